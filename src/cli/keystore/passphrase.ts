/**
 * Where a keystore passphrase comes from: DCHAT_KEYSTORE_PASSPHRASE (scripts, CI), else a hidden
 * prompt on a terminal. With neither, the command stops rather than hang on a closed stdin.
 */
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';

export const PASSPHRASE_ENV = 'DCHAT_KEYSTORE_PASSPHRASE';

function unavailable(): CliError {
  return new CliError('keystore', 'PassphraseRequired', `The keystore needs a passphrase: run on a terminal, or set ${PASSPHRASE_ENV}.`);
}

/**
 * The variable's value, if set. Set but empty is a mistake (a passphrase is never empty, and an
 * unset variable is what asks for the prompt): said as such, not as a wrong passphrase.
 */
function fromEnvironment(io: CliIo): string | undefined {
  const value = io.env[PASSPHRASE_ENV];
  if (value !== undefined && value.length === 0) {
    throw new CliError('keystore', 'EmptyPassphrase', `${PASSPHRASE_ENV} is set but empty, and a keystore passphrase never is: set it to the passphrase, or unset it to be asked on a terminal.`);
  }
  return value;
}

/** The passphrase that unlocks an existing key. */
export async function askPassphrase(io: CliIo, keyName: string): Promise<string> {
  const fromEnv = fromEnvironment(io);
  if (fromEnv !== undefined) return fromEnv;
  if (!io.stdinIsTTY) throw unavailable();
  return io.prompt(`Passphrase for key "${keyName}": `);
}

/** A passphrase for a new key: typed twice on a terminal, never empty. */
export async function newPassphrase(io: CliIo, keyName: string): Promise<string> {
  const fromEnv = fromEnvironment(io);
  let passphrase: string;
  if (fromEnv !== undefined) {
    passphrase = fromEnv;
  } else {
    if (!io.stdinIsTTY) throw unavailable();
    passphrase = await io.prompt(`New passphrase for key "${keyName}": `);
    if ((await io.prompt('Repeat the passphrase: ')) !== passphrase) {
      throw new CliError('keystore', 'PassphraseMismatch', 'The two passphrases differ; nothing was written.');
    }
  }
  if (passphrase.length === 0) throw new CliError('keystore', 'EmptyPassphrase', 'A keystore passphrase cannot be empty.');
  return passphrase;
}
