import { Yaml } from 'cdk8s';

/**
 * The YAML a chart synthesizes, exactly as `cdk8s synth` writes it (validations run first,
 * so a lint error fails here as it would in the pipeline).
 */
export function synthYaml(chart: { toJson(): unknown[]; node: { validate(): string[] } }): string {
  const errors = collectValidationErrors(chart);
  if (errors.length > 0) throw new Error(`Validation failed:\n${errors.join('\n')}`);
  return Yaml.stringify(...chart.toJson());
}

function collectValidationErrors(root: { node: { validate(): string[] } }): string[] {
  const errors: string[] = [];
  const visit = (c: { node: { validate(): string[]; children?: unknown } }): void => {
    errors.push(...c.node.validate());
    for (const child of (c.node as unknown as { children: { node: { validate(): string[] } }[] }).children) visit(child);
  };
  visit(root);
  return errors;
}
