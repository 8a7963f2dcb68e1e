/**
 * Writes lib/lint/schema/k8s-1.28-fields.json: every Kubernetes 1.28 object kind and the
 * fields each of its types may hold, read from the typed bindings cdk8s-plus-28 generated
 * from the upstream OpenAPI document (k8s.d.ts for the types, k8s.js for the JSON names).
 * The lint's unknown-field rule reads this file, so the lint never loads cdk8s.
 *
 *   npx tsx scripts/generate-k8s-fields.ts          # rewrite the file
 *   npx tsx scripts/generate-k8s-fields.ts --check  # exit 1 if it is stale
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { writeOrCheck } from './generated-file';

const root = resolve(__dirname, '..');
const imports = join(root, 'node_modules/cdk8s-plus-28/lib/imports');
const target = join(root, 'lib/lint/schema/k8s-1.28-fields.json');

/** A field's type: a scalar, a named type, a list of one, or a map of one. */
type TypeRef = string;

export function generate(): string {
  const declarations = readFileSync(join(imports, 'k8s.d.ts'), 'utf8');
  const converters = readFileSync(join(imports, 'k8s.js'), 'utf8');
  const source = ts.createSourceFile('k8s.d.ts', declarations, ts.ScriptTarget.ES2022, true);
  const jsonNames = readJsonNames(converters);
  const types: Record<string, Record<string, TypeRef>> = {};
  const kinds: Record<string, string> = {};

  const refOf = (node: ts.TypeNode): TypeRef => {
    if (ts.isArrayTypeNode(node)) return `${refOf(node.elementType)}[]`;
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      return index?.type ? `{${refOf(index.type)}}` : 'any';
    }
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText(source);
      return name === 'IntOrString' || name === 'Quantity' ? 'scalar' : name;
    }
    const text = node.getText(source);
    return ['string', 'number', 'boolean'].includes(text) ? text : 'any';
  };

  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const name = statement.name.text;
      const fields: Record<string, TypeRef> = {};
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const prop = member.name.getText(source);
        fields[jsonNames.get(`${name}.${prop}`) ?? prop] = refOf(member.type);
      }
      types[name] = fields;
    }
  }
  // Each `Kube<Name>` class declares its GVK in k8s.js; its props interface is `Kube<Name>Props`.
  for (const match of converters.matchAll(/(Kube\w+)\.GVK = \{\s*apiVersion: '([^']+)',\s*kind: '([^']+)',?\s*\}/g)) {
    if (!match[3].endsWith('List') && types[`${match[1]}Props`]) kinds[`${match[2]}/${match[3]}`] = `${match[1]}Props`;
  }
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  const used = new Set<string>();
  const visit = (ref: TypeRef) => {
    const name = ref.replace(/\[\]$/, '').replace(/^\{(.*)\}$/, '$1').replace(/\[\]$/, '');
    if (!types[name] || used.has(name)) return;
    used.add(name);
    Object.values(types[name]).forEach(visit);
  };
  Object.values(kinds).forEach(visit);
  const kept = Object.fromEntries([...used].sort().map((n) => [n, sorted(types[n])]));
  return `${JSON.stringify({ kubernetes: '1.28', source: 'cdk8s-plus-28 k8s imports', kinds: sorted(kinds), types: kept })}\n`;
}

/** `Type.prop` -> JSON field name, where the converter renames (e.g. `$ref`, `x-kubernetes-*`). */
function readJsonNames(converters: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const fn of converters.matchAll(/function toJson_(\w+)\(obj\) \{([\s\S]*?)\n\}/g)) {
    for (const field of fn[2].matchAll(/'([^']+)': [^\n]*?obj\.(\w+)/g)) {
      if (field[1] !== field[2]) names.set(`${fn[1]}.${field[2]}`, field[1]);
    }
  }
  return names;
}

if (require.main === module) writeOrCheck(target, generate(), 'npx tsx scripts/generate-k8s-fields.ts');
