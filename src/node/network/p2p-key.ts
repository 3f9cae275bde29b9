/**
 * The node's libp2p identity: an Ed25519 key kept in <dataDir>/p2p-key (protobuf bytes, 0600), so
 * the peer id survives restarts and bootstrap multiaddrs (/p2p/<peerId>) stay valid. This key only
 * authenticates connections; it never signs blocks (the validator key does).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { readBoundedFile } from '../files/bounded-read.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';

export const P2P_KEY_FILE = 'p2p-key';

/** An Ed25519 key in libp2p's protobuf is 68 bytes; a bigger file is refused before it is read. */
const P2P_KEY_MAX_BYTES = 4_096;

export function p2pKeyPath(dataDir: string): string {
  return join(dataDir, P2P_KEY_FILE);
}

export function readP2pKey(path: string): PrivateKey {
  try {
    return privateKeyFromProtobuf(readBoundedFile(path, P2P_KEY_MAX_BYTES));
  } catch (err) {
    throw new NetworkError(NetworkErrorCode.InvalidConfig, `The p2p key ${path} is unreadable: ${(err as Error).message}. Remove it to get a new peer id.`, { cause: err });
  }
}

/** Reads the key at `path`, creating a new one (0600) first if there is none. */
export async function loadOrCreateP2pKey(path: string): Promise<PrivateKey> {
  if (!existsSync(path)) {
    const key = await generateKeyPair('Ed25519');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, privateKeyToProtobuf(key), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return readP2pKey(path);
}

export function peerIdOf(key: PrivateKey): PeerId {
  return peerIdFromPrivateKey(key);
}
