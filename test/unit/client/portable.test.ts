/**
 * The client SDK runs in a browser: every file src/client/index.ts reaches at run time imports no
 * package and no node: module, and names no `Buffer`. Type-only imports are erased by the compiler
 * and load nothing, so they are not followed (import-cycles.test.ts counts them for design reasons).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../../src');
const ENTRY = resolve(SRC, 'client/index.ts');

interface Scan {
  readonly runtimeImports: string[];
  readonly bufferUses: number;
}

function scan(source: string): Scan {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const runtimeImports: string[] = [];
  let bufferUses = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes = named !== undefined && ts.isNamedImports(named) && node.importClause?.name === undefined && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) runtimeImports.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && !node.isTypeOnly) {
      const named = node.exportClause;
      const allTypes = named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) runtimeImports.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      runtimeImports.push((node.arguments[0] as ts.StringLiteral).text);
    } else if (ts.isIdentifier(node) && node.text === 'Buffer') {
      bufferUses++;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { runtimeImports, bufferUses };
}

/** Every file reached from `entry` by run-time imports, with what each breaks. */
function walk(entry: string): { files: string[]; problems: string[] } {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const { runtimeImports, bufferUses } = scan(readFileSync(file, 'utf8'));
    const name = relative(SRC, file);
    if (bufferUses > 0) problems.push(`${name} names Buffer`);
    for (const spec of runtimeImports) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else problems.push(`${name} imports ${spec}`);
    }
  }
  return { files: [...seen].map((f) => relative(SRC, f)).sort(), problems };
}

describe('client SDK portability', () => {
  it('finds what it refuses (the check can fail)', () => {
    const planted = scan("import { createHash } from 'node:crypto';\nimport type { X } from 'node:fs';\nimport { type Y } from './y.ts';\nexport { z } from './z.ts';\nconst b = Buffer.from('');");
    expect(planted.runtimeImports).toEqual(['node:crypto', './z.ts']);
    expect(planted.bufferUses).toBe(1);
    expect(scan('// Buffer in a comment\nconst s = "Buffer";').bufferUses).toBe(0);
  });

  it('reaches no package, no node: module and no Buffer from src/client/index.ts', () => {
    const { files, problems } = walk(ENTRY);
    expect(problems).toEqual([]);
    // The node's own encoder is among them: one codec, not two.
    expect(files).toContain('chain/codec/tx-encoding.ts');
    expect(files).toContain('chain/codec/msgpack-writer.ts');
    expect(files.some((f) => f.startsWith('node/') || f.startsWith('cli/'))).toBe(false);
  });
});
