/**
 * `netkit replay` and the flows part of `netkit diff --flows`: observed traffic judged against
 * manifests, printed for a terminal, a pull request or a machine.
 */
import type { FlowChanges, ReplayResult, ReplayedFlow } from '../analysis/queries/replay';
import type { SuggestResult } from '../analysis/queries/intents';

/** A flow in the JSON contract: `from`, `to`, `port`, `protocol`, `count`, `verdict`, `why` (and `observed` when recorded). */
export function flowJson(f: ReplayedFlow): Record<string, unknown> {
  return { from: f.from, to: f.to, port: f.port, protocol: f.protocol, count: f.count, verdict: f.verdict, why: f.why, ...(f.observed ? { observed: f.observed } : {}) };
}

/** The JSON contract of `netkit replay --format json`. */
export function replayJson(result: ReplayResult): unknown {
  return { flows: result.flows.map(flowJson), malformed: result.malformed, replies: result.replies, mismatches: result.mismatches.map(flowJson) };
}

const target = (f: ReplayedFlow) => `${f.protocol}${f.port ? ` ${f.port}` : ''}`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function counts(result: ReplayResult): string {
  const by = (v: ReplayedFlow['verdict']) => result.flows.filter((f) => f.verdict === v).length;
  return `${result.flows.length} distinct flow(s) from ${result.records} record(s): ${by('allowed')} allowed, ${by('denied')} denied, ${by('unmatched')} unmatched; ${result.replies} reply record(s) counted apart; ${result.malformed.length} malformed line(s) skipped${result.mismatches.length > 0 ? `; ${result.mismatches.length} disagree with the recorded verdict` : ''}`;
}

function mismatchText(f: ReplayedFlow): string {
  return f.observed === 'FORWARDED'
    ? 'the plugin forwarded it, but these manifests deny it: the cluster holds policies the input lacks, or the input adds a restriction not yet applied'
    : 'the plugin dropped it, but these manifests allow it: the cluster holds a policy (or a deny) the input lacks';
}

/** Plain text: a summary, then denied, unmatched, mismatched and allowed flows. */
export function replayText(result: ReplayResult): string {
  const lines = [`${counts(result)}.`];
  const order: ReplayedFlow['verdict'][] = ['denied', 'unmatched', 'allowed'];
  for (const verdict of order) {
    for (const f of result.flows.filter((x) => x.verdict === verdict)) {
      lines.push(`${verdict.toUpperCase().padEnd(9)} ${f.from} -> ${f.to} ${target(f)} x${f.count}${f.observed ? ` (observed ${f.observed})` : ''}: ${f.why}`);
    }
  }
  for (const f of result.mismatches) lines.push(`MISMATCH  ${f.from} -> ${f.to} ${target(f)}: ${mismatchText(f)}`);
  for (const m of result.malformed) lines.push(`skipped line ${m.line}: ${m.reason}`);
  return `${lines.join('\n')}\n`;
}

function flowTable(title: string, rows: readonly ReplayedFlow[], lines: string[]): void {
  if (rows.length === 0) return;
  lines.push(`### ${title}`, '', '| from | to | port | flows | why |', '| --- | --- | --- | --- | --- |');
  for (const f of rows) lines.push(`| ${cell(f.from)} | ${cell(f.to)} | ${cell(target(f))} | ${f.count} | ${cell(f.why)} |`);
  lines.push('');
}

/** A pull-request comment. */
export function replayMarkdown(result: ReplayResult): string {
  const lines = [`**netkit replay**: ${counts(result)}.`, ''];
  flowTable('Denied', result.flows.filter((f) => f.verdict === 'denied'), lines);
  flowTable('Unmatched (not in the manifests)', result.flows.filter((f) => f.verdict === 'unmatched'), lines);
  flowTable('Recorded verdict disagrees', result.mismatches, lines);
  if (result.malformed.length > 0) lines.push('### Skipped lines', '', ...result.malformed.map((m) => `- line ${m.line}: ${cell(m.reason)}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `"flows": {"broken": [...], "newlyAllowed": [...]}`. */
export function flowChangesJson(changes: FlowChanges): unknown {
  return { broken: changes.broken.map(flowJson), newlyAllowed: changes.newlyAllowed.map(flowJson) };
}

/** Text lines for the flows a change breaks and newly allows. */
export function flowChangesText(changes: FlowChanges): string[] {
  return [
    ...changes.broken.map((f) => `x breaks ${f.from} -> ${f.to} ${target(f)} (${f.count} observed): ${f.why}`),
    ...changes.newlyAllowed.map((f) => `+ newly allows observed ${f.from} -> ${f.to} ${target(f)} (${f.count})`),
  ];
}

/** The "what this breaks" section of a review comment. */
export function flowChangesMarkdown(changes: FlowChanges): string[] {
  const lines: string[] = [];
  if (changes.broken.length === 0 && changes.newlyAllowed.length === 0) return ['### What this breaks', '', 'No observed flow changes verdict.', ''];
  flowTable('What this breaks (observed flows newly denied)', changes.broken, lines);
  if (changes.broken.length === 0) lines.push('### What this breaks', '', 'No observed flow is newly denied.', '');
  flowTable('Observed flows newly allowed', changes.newlyAllowed, lines);
  return lines;
}

/** One line summing up flow changes. */
export function flowChangesSummary(changes: FlowChanges): string {
  return `observed flows: ${changes.broken.length} newly denied (broken), ${changes.newlyAllowed.length} newly allowed`;
}

/** `netkit suggest --format ts`: lines to paste into the app, grouped per workload with flow counts. */
export function suggestTypeScript(result: SuggestResult): string {
  const lines = [
    `// netkit suggest: ${result.intents.length} intent(s) allowing the observed flows these manifests deny.`,
    '// Variables stand for your constructs (ExposedApp, Worker, ...), named after the workloads.',
    ...result.notices.map((n) => `// Note: ${n}`),
  ];
  let current = '';
  for (const intent of result.intents) {
    if (intent.workload !== current) {
      current = intent.workload;
      lines.push('', `// ${current}`);
    }
    lines.push(`${intent.typescript} // ${intent.flows} flow(s): ${intent.peer} ${intent.ports.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
