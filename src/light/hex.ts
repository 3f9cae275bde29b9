/** Lowercase hex, both ways, without Buffer (the light client runs in a browser). */
import { LightError, LightErrorCode } from './errors.ts';

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** The bytes of `hex`; a MalformedAnswer naming `field` for anything but an even number of hex digits. */
export function hexToBytes(hex: unknown, field: string, length?: number): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new LightError(LightErrorCode.MalformedAnswer, `The answer's ${field} is not hex.`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  if (length !== undefined && out.length !== length) throw new LightError(LightErrorCode.MalformedAnswer, `The answer's ${field} is not ${length} bytes.`);
  return out;
}
