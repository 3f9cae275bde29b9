/**
 * Which key signs: --from (a key name or wallet UUID), else for privileged commands the key named
 * "authority" when the keystore has one. Unlocking asks for the passphrase; all of this is local,
 * so a missing key or a wrong passphrase stops the command before any request.
 */
import type { Context } from '../context.ts';
import { usageError } from '../errors.ts';
import type { UnlockedKey } from '../keystore/keystore.ts';
import { askPassphrase } from '../keystore/passphrase.ts';

export const AUTHORITY_KEY = 'authority';

export type SignerDefault = 'authority' | 'none';

export async function resolveSigner(ctx: Context, from: string | undefined, fallback: SignerDefault): Promise<UnlockedKey> {
  let ref = from;
  if (ref === undefined && fallback === 'authority' && ctx.keystore.has(AUTHORITY_KEY)) ref = AUTHORITY_KEY;
  if (ref === undefined) {
    const hint = fallback === 'authority' ? ` (or import the authority key as "${AUTHORITY_KEY}")` : '';
    throw usageError('MissingSigner', `Name the signing key with --from <key name or wallet id>${hint}; \`dchat keys list\` shows the keys.`);
  }
  const key = ctx.keystore.find(ref);
  return ctx.keystore.unlock(key, await askPassphrase(ctx.io, key.name));
}
