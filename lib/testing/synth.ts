import { Yaml } from 'cdk8s';

/**
 * The YAML a chart synthesizes, exactly as `cdk8s synth` writes it. `toJson()` validates
 * the whole app first (netkit's lint among the validations), so a lint error fails here as
 * it would in the pipeline.
 */
export function synthYaml(chart: { toJson(): unknown[] }): string {
  return Yaml.stringify(...chart.toJson());
}
