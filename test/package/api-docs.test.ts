import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, test } from 'vitest';

const root = join(__dirname, '../..');

/** Every interface the package exports, with the optional properties that lack a `@default` tag. */
function optionalPropertiesWithoutDefault(): string[] {
  const program = ts.createProgram([join(root, 'lib/index.ts')], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(root, 'lib/index.ts'))!;
  const missing: string[] = [];
  let seen = 0;
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      if (!ts.isInterfaceDeclaration(declaration)) continue;
      for (const member of declaration.members) {
        if (!ts.isPropertySignature(member) || !member.questionToken) continue;
        seen++;
        if (!ts.getJSDocTags(member).some((t) => t.tagName.text === 'default')) missing.push(`${declaration.name.text}.${member.name.getText()}`);
      }
    }
  }
  expect(seen).toBeGreaterThan(200); // the walk found the Props interfaces
  return missing;
}

describe('API reference', () => {
  test('every optional property of an exported interface says its default (@default)', () => {
    expect(optionalPropertiesWithoutDefault()).toEqual([]);
  });

  test('docs/API.md is what typedoc writes from the TSDoc today, with every export documented', () => {
    // typedoc.json treats a missing comment or a dangling link as an error, so this also fails then.
    const out = mkdtempSync(join(tmpdir(), 'netkit-api-'));
    execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Warn'], { cwd: root, stdio: 'pipe' });
    const fresh = readFileSync(join(out, 'API.md'), 'utf8');
    const committed = readFileSync(join(root, 'docs/API.md'), 'utf8');
    expect(fresh === committed, 'docs/API.md is stale: run `npm run docs` and commit it').toBe(true);
    for (const name of ['SecureNamespace', 'ExposedApp', 'NetworkModel', 'TlsIngress', 'Peer', 'Port']) expect(committed).toContain(`### ${name}`);
  }, 60_000);
});
