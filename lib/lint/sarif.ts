import { ALL_RULES } from './rules';
import { Finding, Severity } from './types';

const LEVEL: Record<Severity, string> = { [Severity.ERROR]: 'error', [Severity.WARNING]: 'warning', [Severity.INFO]: 'note' };

/** Findings as a SARIF 2.1.0 log, for code-scanning UIs. */
export function toSarif(findings: readonly Finding[], toolVersion = '0.0.0'): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'netkit',
          informationUri: 'https://github.com/cdk8s-netkit/cdk8s-netkit',
          version: toolVersion,
          rules: ALL_RULES.map((rule) => ({
            id: rule.id,
            shortDescription: { text: rule.description },
            helpUri: rule.docs,
            defaultConfiguration: { level: LEVEL[rule.severity] },
          })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.rule,
        level: LEVEL[f.severity],
        message: { text: `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}: ${f.message}. Fix: ${f.fix}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: f.file ?? 'input' },
            ...(f.line ? { region: { startLine: f.line } } : {}),
          },
        }],
      })),
    }],
  };
}
