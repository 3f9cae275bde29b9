/**
 * The light client (src/light) for the dashboard page: its TypeScript files with the types stripped
 * (Node's own stripper, the same one that runs the node's .ts files), served under
 * /dashboard/light/ by their own names, so the page imports exactly the code the CLI and tests run.
 * Relative imports keep working: `../tokenomics/errors.ts` is served beside them.
 */
import { readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DASHBOARD_LIGHT_MODULES: readonly string[] = [
  'light/account.ts', 'light/client.ts', 'light/ed25519.ts', 'light/errors.ts', 'light/finality.ts', 'light/genesis.ts', 'light/header.ts',
  'light/hex.ts', 'light/index.ts', 'light/learn-validator-sets.ts', 'light/msgpack.ts', 'light/sha256.ts', 'light/state-proof.ts', 'light/tree-rules.ts', 'light/validator-sets.ts',
  'tokenomics/errors.ts',
];

/** Node 24 still flags stripTypeScriptTypes as experimental; that one warning, once per start, says nothing to an operator. */
function strip(source: string): string {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes('stripTypeScriptTypes')) (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source);
  } finally {
    process.emitWarning = emit;
  }
}

/** URL path under /dashboard/ -> JavaScript source. */
export function loadLightModules(): Map<string, Buffer> {
  return new Map(DASHBOARD_LIGHT_MODULES.map((name) => [name, Buffer.from(strip(readFileSync(join(SRC, name), 'utf8')))]));
}
