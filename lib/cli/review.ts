/**
 * `netkit diff` and `netkit exposure`: reading two revisions (files or git), comparing their
 * reachability and lint, and printing the result for a terminal, a pull request or a machine.
 */
import { execFileSync } from 'node:child_process';
import { InputError, LoadResult, SourcedObject, loadJson, loadYaml } from '../analysis/loader';
import { NetworkDiff, NetworkModel, WorkloadExposure } from '../analysis/network-model';
import { reachabilityOf } from '../analysis/exposure';
import { Finding } from '../lint/types';
import { formatFinding } from '../lint/engine';

/** Findings a change introduces and the ones it fixes. */
export interface LintDiff {
  readonly new: Finding[];
  readonly fixed: Finding[];
}

/** Compares findings by rule, object and message (not by file and line, which move). */
export function diffFindings(before: readonly Finding[], after: readonly Finding[]): LintDiff {
  const key = (f: Finding) => [f.rule, f.object.kind, f.object.namespace ?? '', f.object.name, f.message].join('\u0000');
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  return { new: after.filter((f) => !was.has(key(f))), fixed: before.filter((f) => !now.has(key(f))) };
}

/**
 * The manifests of one revision, read with `git` (no checkout, no change to the work tree):
 * every `*.yaml`, `*.yml` and `*.json` under `paths` at `rev`.
 */
export function readGitRevision(rev: string, paths: readonly string[], cwd = process.cwd()): { objects: SourcedObject[]; notices: string[]; files: string[] } {
  if (!/^[\w./@^~{}:-]+$/.test(rev) || rev.startsWith('-')) throw new InputError(`--git: "${rev}" is not a revision.`);
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-tree', '-r', '--name-only', rev, '--', ...(paths.length > 0 ? paths : ['.'])], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const message = String((error as { stderr?: string }).stderr ?? error).trim().split('\n')[0];
    throw new InputError(`--git: cannot list ${rev} (${message}).`);
  }
  const all = listing.split('\n').filter(Boolean);
  const files = all.filter((f) => /\.(ya?ml|json)$/i.test(f) && !f.split('/').some((part) => part === 'node_modules' || part.startsWith('.')));
  const notices = all.filter((f) => !files.includes(f)).map((f) => `${rev}:${f}: skipped (not *.yaml, *.yml or *.json)`);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    const text = execFileSync('git', ['show', `${rev}:${file}`], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const loaded: LoadResult = /\.json$/i.test(file) ? loadJson(text, `${rev}:${file}`) : loadYaml(text, `${rev}:${file}`);
    objects.push(...loaded.objects);
    notices.push(...loaded.notices);
  }
  return { objects, notices, files: files.map((f) => `${rev}:${f}`) };
}

/** The exit code `--fail-on` asks for. */
export function diffExitCode(diff: NetworkDiff, lint: LintDiff, failOn: 'widened' | 'any' | 'never'): number {
  if (failOn === 'never') return 0;
  if (failOn === 'widened') return diff.widened ? 1 : 0;
  const anything = diff.changes.length > 0 || diff.workloads.added.length > 0 || diff.workloads.removed.length > 0 || lint.new.length > 0 || lint.fixed.length > 0;
  return anything ? 1 : 0;
}

/** The JSON contract of `netkit diff --format json`. */
export function diffJson(diff: NetworkDiff, lint: LintDiff): unknown {
  return {
    changes: diff.changes.map((c) => ({ change: c.change, from: c.from, to: c.to, before: c.before, after: c.after, why: c.reasons })),
    workloads: diff.workloads,
    namespaces: diff.namespaces,
    lint: { new: lint.new, fixed: lint.fixed },
  };
}

const widenedOf = (diff: NetworkDiff) => diff.changes.filter((c) => c.widened !== '');
const narrowedOf = (diff: NetworkDiff) => diff.changes.filter((c) => c.narrowed !== '');

function summary(diff: NetworkDiff, lint: LintDiff): string {
  const parts = [
    `${widenedOf(diff).length} connection(s) widened`,
    `${narrowedOf(diff).length} narrowed`,
    `${diff.workloads.added.length} workload(s) added`,
    `${diff.workloads.removed.length} removed`,
    `lint: ${lint.new.length} new finding(s), ${lint.fixed.length} fixed`,
  ];
  return parts.join(', ');
}

/** Plain text, one line per change. */
export function diffText(diff: NetworkDiff, lint: LintDiff): string {
  if (diff.changes.length === 0 && diff.workloads.added.length + diff.workloads.removed.length === 0 && lint.new.length + lint.fixed.length === 0) {
    return 'No change to what may connect, and no change in lint findings.\n';
  }
  const lines = [`${summary(diff, lint)}.`];
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  for (const c of diff.changes) {
    lines.push(`${sign[c.change]} ${c.from} -> ${c.to}: ${c.before || 'nothing'} => ${c.after || 'nothing'}${c.reasons.length > 0 ? ` (${c.reasons.join('; ')})` : ''}`);
  }
  for (const w of diff.workloads.added) lines.push(`+ workload ${w}`);
  for (const w of diff.workloads.removed) lines.push(`- workload ${w}`);
  for (const n of diff.namespaces.added) lines.push(`+ namespace ${n}`);
  for (const n of diff.namespaces.removed) lines.push(`- namespace ${n}`);
  for (const f of lint.new) lines.push(`+ lint ${formatFinding(f)}`);
  for (const f of lint.fixed) lines.push(`- lint ${formatFinding(f)}`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A pull-request comment: a summary line, then tables of widened and narrowed connections. */
export function diffMarkdown(diff: NetworkDiff, lint: LintDiff): string {
  const lines = [`**netkit diff**: ${summary(diff, lint)}.`, ''];
  const table = (title: string, rows: NetworkDiff['changes'], ports: (c: NetworkDiff['changes'][number]) => string) => {
    if (rows.length === 0) return;
    lines.push(`### ${title}`, '', '| from | to | before | after | ports | why |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of rows) lines.push(`| ${cell(c.from)} | ${cell(c.to)} | ${cell(c.before || '—')} | ${cell(c.after || '—')} | ${cell(ports(c))} | ${cell(c.reasons.join('; '))} |`);
    lines.push('');
  };
  table('Widened', widenedOf(diff), (c) => c.widened);
  table('Narrowed', narrowedOf(diff), (c) => c.narrowed);
  if (diff.workloads.added.length + diff.workloads.removed.length > 0) {
    lines.push('### Workloads', '', ...diff.workloads.added.map((w) => `- added \`${w}\``), ...diff.workloads.removed.map((w) => `- removed \`${w}\``), '');
  }
  if (lint.new.length + lint.fixed.length > 0) {
    lines.push('### Lint', '', ...lint.new.map((f) => `- new ${f.severity} \`${f.rule}\` ${cell(`${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}: ${f.message}`)}`),
      ...lint.fixed.map((f) => `- fixed \`${f.rule}\` ${cell(`${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}: ${f.message}`)}`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One workload's reachability from the internet, in the words exposure, matrix and report share. */
export function exposureHeadline(e: WorkloadExposure): string {
  if (e.reachability === 'reachable') return e.publicByDesign ? 'reachable from the internet (declared public)' : 'REACHABLE from the internet (not declared public)';
  if (e.reachability === 'unknown') return 'unknown whether reachable from the internet (a hop is not in the input; --with-cluster adds stand-ins)';
  return 'not reachable from the internet';
}

/** Exposure as text. */
export function exposureText(exposure: readonly WorkloadExposure[]): string {
  const lines: string[] = [];
  for (const e of exposure) {
    lines.push(`${e.workload}: ${exposureHeadline(e)}`);
    for (const r of e.internet) lines.push(`  internet via ${r.via}: ${r.detail} [${reachabilityOf(r.status)}${r.declared ? ', declared' : ''}]${r.problem ? `: ${r.problem}` : ''}`);
    for (const c of e.clusterWide) lines.push(`  cluster-wide: ${c}`);
    if (e.internetEgress) lines.push(`  egress to the internet: ${e.internetEgress}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Exposure as a markdown table. */
export function exposureMarkdown(exposure: readonly WorkloadExposure[]): string {
  const lines = ['| workload | from the internet | beyond the input | egress to the internet |', '| --- | --- | --- | --- |'];
  for (const e of exposure) {
    const internet = e.internet.map((r) => `${reachabilityOf(r.status)}: ${r.via} ${r.detail}${r.declared ? '' : ' (not declared)'}${r.problem ? ` (${r.problem})` : ''}`).join('<br>') || '—';
    lines.push(`| ${cell(e.workload)} | ${cell(`${e.reachability}${internet === '—' ? '' : `<br>${internet}`}`)} | ${cell(e.clusterWide.join('<br>') || '—')} | ${cell(e.internetEgress || '—')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export { NetworkModel };
