/**
 * A validator set as the CLI takes it (docs/protocol.md §17.7): `<public key>:<reward wallet>`
 * pairs, or a JSON file holding an array of them, or of `{ public_key, reward_wallet }` objects
 * (what GET /v1/node lists), or an object with such a `validators` array (`dchat validators list
 * --json`, or its `pending_validators`). Checked here the way the chain will check it (valid keys,
 * UUID wallets, no key twice), so a typo is a usage error before anything is signed.
 */
import { readBoundedFile } from '../../node/files/bounded-read.ts';
import { MAX_VALIDATORS, type Validator, isPublicKeyHex } from '../../tokenomics/index.ts';
import { usageError } from '../errors.ts';
import { parseUuid } from '../values.ts';

/** A validator file of 10,000 entries is about 1.1 MB of JSON. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function parsePublicKey(where: string, text: string): string {
  const key = text.trim().toLowerCase();
  if (!isPublicKeyHex(key)) throw usageError('InvalidValidator', `${where}: "${text}" is not a 32-byte ed25519 public key in hex (64 characters).`);
  return key;
}

/** One `<public key>:<reward wallet>` pair. */
export function parseValidatorPair(where: string, text: string): Validator {
  const at = text.indexOf(':');
  if (at < 0) throw usageError('InvalidValidator', `${where}: "${text}" is not <public key>:<reward wallet>.`);
  return { publicKey: parsePublicKey(where, text.slice(0, at)), rewardWallet: parseUuid(where, text.slice(at + 1)) };
}

function validatorOf(where: string, entry: unknown): Validator {
  if (typeof entry === 'string') return parseValidatorPair(where, entry);
  if (entry === null || typeof entry !== 'object') throw usageError('InvalidValidator', `${where} is neither "<public key>:<reward wallet>" nor an object.`);
  const { public_key: publicKey, reward_wallet: rewardWallet } = entry as Record<string, unknown>;
  if (typeof publicKey !== 'string' || typeof rewardWallet !== 'string') {
    throw usageError('InvalidValidator', `${where} needs "public_key" and "reward_wallet" strings.`);
  }
  return { publicKey: parsePublicKey(where, publicKey), rewardWallet: parseUuid(where, rewardWallet) };
}

/** The list in a validator file's JSON: an array, or an object with a `validators` array. */
export function validatorsFromJson(source: string, json: unknown): Validator[] {
  const list = Array.isArray(json) ? json : (json as { validators?: unknown } | null)?.validators;
  if (!Array.isArray(list)) throw usageError('InvalidValidator', `${source} holds neither an array of validators nor an object with a "validators" array.`);
  return list.map((entry, i) => validatorOf(`${source} entry ${i + 1}`, entry));
}

function readValidatorFile(path: string): Validator[] {
  let json: unknown;
  try {
    json = JSON.parse(readBoundedFile(path, MAX_FILE_BYTES).toString('utf8'));
  } catch (err) {
    throw usageError('InvalidValidatorFile', `Cannot read the validator file ${path}: ${(err as Error).message}.`);
  }
  return validatorsFromJson(path, json);
}

/** The set the flags name: `--validator` pairs or `--file`, exactly one of them, 1 to 10,000 distinct keys. */
export function readValidatorSet(flags: { validator?: readonly string[]; file?: string }): Validator[] {
  const pairs = flags.validator ?? [];
  if ((pairs.length > 0) === (flags.file !== undefined)) {
    throw usageError('MissingOption', 'Name the new set with --validator <public key>:<reward wallet> (repeated) or with --file <validators.json>, not both.');
  }
  const validators = flags.file === undefined ? pairs.map((p) => parseValidatorPair('--validator', p)) : readValidatorFile(flags.file);
  if (validators.length === 0 || validators.length > MAX_VALIDATORS) {
    throw usageError('InvalidValidator', `A validator set lists 1 to ${MAX_VALIDATORS} validators, not ${validators.length}.`);
  }
  const seen = new Set<string>();
  for (const v of validators) {
    if (seen.has(v.publicKey)) throw usageError('InvalidValidator', `The new set lists validator ${v.publicKey} twice.`);
    seen.add(v.publicKey);
  }
  return validators;
}
