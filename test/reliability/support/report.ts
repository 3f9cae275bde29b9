/**
 * What a reliability suite measured, for people and for the runner script: one JSON file per suite
 * under test-artifacts/reliability/ (scripts/reliability/run.ts prints them after the run), and a
 * one-line summary on the test's output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const REPORT_DIR = process.env.DCHAT_RELIABILITY_REPORTS ?? join(PROJECT_ROOT, 'test-artifacts/reliability');

/** Writes `<REPORT_DIR>/<name>.json` (replacing an older one) and prints a summary line. */
export function writeReport(name: string, report: Record<string, unknown>): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  const body = { suite: name, finishedAt: new Date().toISOString(), ...report };
  writeFileSync(join(REPORT_DIR, `${name}.json`), `${JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  process.stdout.write(`[reliability] ${name}: ${JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}

/** A positive whole number from the environment, or the fallback (the short CI figure). */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
  return Number(raw);
}
