/**
 * Writes lib/lint/schema/cilium-fields.json: the fields CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy (cilium.io/v2) may hold, in the same form as the Kubernetes
 * field tree, read with the TypeScript checker from the typed bindings @kubernetes-models/cilium
 * generates from Cilium's published CRD schemas. The package is fetched with `npm pack` (the
 * npm registry only) into a temporary folder: the project does not depend on it, since it needs
 * Node 22 and is an ES module, and lint needs only this file.
 *
 *   npx tsx scripts/generate-cilium-fields.ts          # refresh the file
 *   npx tsx scripts/generate-cilium-fields.ts --check  # exit 1 if the package now says otherwise
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { writeOrCheck } from './generated-file';

const PACKAGE = '@kubernetes-models/cilium@4.0.0';
const root = resolve(__dirname, '..');
const target = join(root, 'lib/lint/schema/cilium-fields.json');
const KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'];
/** Types from other packages the bindings import, by the name the Kubernetes field tree gives them. */
const FOREIGN: Record<string, string> = { IIoK8sApimachineryPkgApisMetaV1ObjectMeta: 'ObjectMeta' };

export function generate(packageDir: string): string {
  const files = listDts(join(packageDir, 'cilium.io', 'v2')).filter((f) => KINDS.some((k) => f.endsWith(`/${k}.d.ts`)));
  // The bindings import each other as '.js' files, as ES modules do.
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, types: [], module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  const checker = program.getTypeChecker();
  const types: Record<string, Record<string, string>> = {};
  const kinds: Record<string, string> = {};

  // The bindings spell the CRD's oneOf constraints as unions and intersections of object
  // types: a field is known if any branch has it.
  const propertiesOf = (type: ts.Type): ts.Symbol[] => {
    const parts = type.isUnionOrIntersection() ? type.types.flatMap(propertiesOf) : type.flags & ts.TypeFlags.Object ? checker.getPropertiesOfType(type) : [];
    const byName = new Map<string, ts.Symbol>();
    for (const part of parts) if (!byName.has(part.getName())) byName.set(part.getName(), part);
    return [...byName.values()];
  };
  const nameOf = (type: ts.Type): string => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
    return `cilium:${relative(packageDir, file).replace(/\.d\.ts$/, '')}.${symbol?.getName() ?? 'anonymous'}`;
  };
  const refOf = (declared: ts.Type, node: ts.TypeNode | undefined): string => {
    const foreign = node && ts.isTypeReferenceNode(node) ? FOREIGN[node.typeName.getText()] : undefined;
    if (foreign) return foreign;
    const type = checker.getNonNullableType(declared);
    if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) return 'scalar';
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const elementNode = node && ts.isTypeReferenceNode(node) && node.typeArguments?.length === 1 ? node.typeArguments[0] : node && ts.isArrayTypeNode(node) ? node.elementType : undefined;
      return `${refOf(element, elementNode)}[]`;
    }
    const index = type.getStringIndexType();
    const properties = propertiesOf(type);
    if (index && properties.length === 0) return `{${refOf(index, undefined)}}`;
    if (properties.length > 0) {
      const name = nameOf(type);
      if (!(name in types)) {
        types[name] = {};
        const fields: Record<string, string> = {};
        for (const property of properties) {
          const declaration = property.valueDeclaration ?? property.declarations?.[0];
          const propertyNode = declaration && ts.isPropertySignature(declaration) ? declaration.type : undefined;
          fields[property.getName()] = refOf(checker.getTypeOfSymbol(property), propertyNode);
        }
        types[name] = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
      }
      return name;
    }
    return 'any';
  };

  for (const kind of KINDS) {
    const file = program.getSourceFile(files.find((f) => f.endsWith(`/${kind}.d.ts`))!)!;
    const declaration = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${kind}`)!;
    kinds[`cilium.io/v2/${kind}`] = refOf(checker.getTypeAtLocation(declaration), undefined);
  }
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  return `${JSON.stringify({ source: PACKAGE, kinds: sorted(kinds), types: sorted(types) })}\n`;
}

function listDts(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listDts(path) : path.endsWith('.d.ts') ? [path] : [];
  });
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'cilium-fields-'));
  try {
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', tarball], { cwd: dir });
    writeOrCheck(target, generate(join(dir, 'package')), 'npx tsx scripts/generate-cilium-fields.ts', PACKAGE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
