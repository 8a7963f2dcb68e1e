/**
 * `netkit diff` and `netkit exposure`: reading two revisions (files or git), comparing their
 * reachability and lint, and printing the result for a terminal, a pull request or a machine.
 */
import { execFileSync } from 'node:child_process';
import { DocumentReuse, InputError, LoadResult, SourcedObject, loadJson, loadYaml, loadYamlReusing } from '../analysis/input/loader';
import { NetworkDiff, NetworkModel, WorkloadExposure } from '../analysis/queries/network-model';
import { reachabilityOf } from '../analysis/queries/exposure';
import { Finding } from '../lint/types';
import { formatFinding } from '../lint/engine';
import type { FlowChanges } from '../analysis/queries/replay';
import { flowChangesJson, flowChangesMarkdown, flowChangesSummary, flowChangesText } from './replay';

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

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const inHiddenOrDependencies = (file: string) => file.split('/').some((part) => part === 'node_modules' || part.startsWith('.'));

function git(args: readonly string[], cwd: string, what: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const message = String((error as { stderr?: string }).stderr ?? error).trim().split('\n')[0];
    throw new InputError(`--git: cannot ${what} (${message}).`);
  }
}

const checkRevision = (rev: string) => {
  if (!/^[\w./@^~{}:-]+$/.test(rev) || rev.startsWith('-')) throw new InputError(`--git: "${rev}" is not a revision.`);
};

/** Whether `text` (a YAML or JSON file) holds at least one Kubernetes object (`apiVersion` and `kind`). */
function holdsKubernetesObjects(text: string, file: string): boolean {
  try {
    const loaded = /\.json$/i.test(file) ? loadJson(text, file) : loadYaml(text, file);
    return loaded.objects.length > 0;
  } catch {
    return false;
  }
}

/**
 * The folders whose manifests a change touches: every folder holding a YAML or JSON file that
 * changed between the revisions and holds Kubernetes objects in either of them. Reading whole
 * folders (not only the changed files) keeps the workloads that unchanged files declare.
 */
export function changedManifestFolders(from: string, to: string, cwd = process.cwd()): string[] {
  checkRevision(from);
  checkRevision(to);
  const changed = git(['diff', '--name-only', '--no-renames', from, to], cwd, `compare ${from} and ${to}`).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const file of changed.filter((f) => MANIFEST_FILE.test(f) && !inHiddenOrDependencies(f))) {
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
    if (folders.has(folder)) continue;
    const manifest = [from, to].some((rev) => {
      try {
        return holdsKubernetesObjects(execFileSync('git', ['show', `${rev}:${file}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }), file);
      } catch {
        return false; // absent in that revision
      }
    });
    if (manifest) folders.add(folder);
  }
  return [...folders].sort();
}

/** Options of {@link readGitRevision}. */
export interface GitReadOptions {
  /** One summary notice for the files skipped (not manifests) instead of one per file. @default false */
  readonly summarize?: boolean;
  /** The previous revision's documents, for reading this one without parsing unchanged documents again. */
  readonly reuse?: DocumentReuse;
}

/**
 * The manifests of one revision, read with `git` (no checkout, no change to the work tree):
 * every `*.yaml`, `*.yml` and `*.json` under `paths` at `rev`.
 */
export function readGitRevision(rev: string, paths: readonly string[], cwd = process.cwd(), options: GitReadOptions = {}): { objects: SourcedObject[]; notices: string[]; files: string[] } {
  checkRevision(rev);
  const listing = git(['ls-tree', '-r', '--name-only', rev, '--', ...(paths.length > 0 ? paths : ['.'])], cwd, `list ${rev}`);
  const all = listing.split('\n').filter(Boolean);
  const files = all.filter((f) => MANIFEST_FILE.test(f) && !inHiddenOrDependencies(f));
  const skipped = all.filter((f) => !files.includes(f));
  const notices = options.summarize ? [] : skipped.map((f) => `${rev}:${f}: skipped (not *.yaml, *.yml or *.json)`);
  const objects: SourcedObject[] = [];
  const unread: string[] = [];
  for (const file of files) {
    const text = execFileSync('git', ['show', `${rev}:${file}`], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const loaded: LoadResult = /\.json$/i.test(file) ? loadJson(text, `${rev}:${file}`) : loadYamlReusing(text, `${rev}:${file}`, {}, options.reuse);
    objects.push(...loaded.objects);
    if (options.summarize && loaded.objects.length === 0) unread.push(file);
    else notices.push(...loaded.notices);
  }
  if (options.summarize && skipped.length + unread.length > 0) {
    notices.push(`${rev}: read ${files.length - unread.length} manifest file(s) in ${paths.join(', ')}; skipped ${skipped.length} other file(s) and ${unread.length} YAML/JSON file(s) without Kubernetes objects${unread.length > 0 ? ` (${unread.slice(0, 3).join(', ')}${unread.length > 3 ? ', ...' : ''})` : ''}`);
  }
  return { objects, notices, files: files.map((f) => `${rev}:${f}`) };
}

/** What `--fail-on` accepts. */
export const FAIL_ON = ['widened', 'latent', 'surface', 'broken', 'any', 'never'] as const;
export type FailOn = typeof FAIL_ON[number];

/**
 * The exit code `--fail-on` asks for: `widened`, connectivity that now flows; `latent`, that
 * or a rule that widened where the other side still blocks; `surface`, a way in added
 * (NodePort, LoadBalancer, externalIPs, host port, route); `broken`, an observed flow newly
 * denied (`--flows`); `any`, any change at all.
 */
export function diffExitCode(diff: NetworkDiff, lint: LintDiff, failOn: FailOn, flows?: FlowChanges): number {
  switch (failOn) {
    case 'never': return 0;
    case 'broken': return flows !== undefined && flows.broken.length > 0 ? 1 : 0;
    case 'widened': return diff.widened ? 1 : 0;
    case 'latent': return diff.widened || diff.latent.length > 0 ? 1 : 0;
    case 'surface': return diff.surface.added.length > 0 ? 1 : 0;
    default: return changedAnything(diff, lint, flows) ? 1 : 0;
  }
}

function changedAnything(diff: NetworkDiff, lint: LintDiff, flows?: FlowChanges): boolean {
  return (flows !== undefined && flows.broken.length + flows.newlyAllowed.length > 0) || diff.changes.length > 0 || diff.latent.length > 0 || diff.surface.added.length + diff.surface.removed.length > 0
    || diff.workloads.added.length > 0 || diff.workloads.removed.length > 0 || lint.new.length > 0 || lint.fixed.length > 0;
}

/** The JSON contract of `netkit diff --format json`. */
export function diffJson(diff: NetworkDiff, lint: LintDiff, flows?: FlowChanges): unknown {
  return {
    ...(flows ? { flows: flowChangesJson(flows) } : {}),
    changes: diff.changes.map((c) => ({ change: c.change, from: c.from, to: c.to, before: c.before, after: c.after, why: c.reasons })),
    latent: diff.latent,
    surface: diff.surface,
    workloads: diff.workloads,
    namespaces: diff.namespaces,
    lint: { new: lint.new, fixed: lint.fixed },
  };
}

const widenedOf = (diff: NetworkDiff) => diff.changes.filter((c) => c.widened !== '');
const narrowedOf = (diff: NetworkDiff) => diff.changes.filter((c) => c.narrowed !== '');

function summary(diff: NetworkDiff, lint: LintDiff, flows?: FlowChanges): string {
  const parts = [
    ...(flows ? [flowChangesSummary(flows)] : []),
    `${widenedOf(diff).length} connection(s) widened`,
    `${narrowedOf(diff).length} narrowed`,
    `${diff.latent.length} latent widening(s)`,
    `surface: ${diff.surface.added.length} way(s) in added, ${diff.surface.removed.length} removed`,
    `${diff.workloads.added.length} workload(s) added`,
    `${diff.workloads.removed.length} removed`,
    `lint: ${lint.new.length} new finding(s), ${lint.fixed.length} fixed`,
  ];
  return parts.join(', ');
}

/** Plain text, one line per change. */
export function diffText(diff: NetworkDiff, lint: LintDiff, flows?: FlowChanges): string {
  if (!changedAnything(diff, lint, flows)) {
    return `No change to what may connect, to the rules (no latent widening), to the exposure surface${flows ? ', to observed flows' : ''} or to lint findings.\n`;
  }
  const lines = [`${summary(diff, lint, flows)}.`, ...(flows ? flowChangesText(flows) : [])];
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  for (const c of diff.changes) {
    lines.push(`${sign[c.change]} ${c.from} -> ${c.to}: ${c.before || 'nothing'} => ${c.after || 'nothing'}${c.reasons.length > 0 ? ` (${c.reasons.join('; ')})` : ''}`);
  }
  for (const l of diff.latent) lines.push(`! latent: ${latentText(l)}`);
  for (const i of diff.surface.added) lines.push(`+ surface ${surfaceText(i)}`);
  for (const i of diff.surface.removed) lines.push(`- surface ${surfaceText(i)}`);
  for (const w of diff.workloads.added) lines.push(`+ workload ${w}`);
  for (const w of diff.workloads.removed) lines.push(`- workload ${w}`);
  for (const n of diff.namespaces.added) lines.push(`+ namespace ${n}`);
  for (const n of diff.namespaces.removed) lines.push(`- namespace ${n}`);
  for (const f of lint.new) lines.push(`+ lint ${formatFinding(f)}`);
  for (const f of lint.fixed) lines.push(`- lint ${formatFinding(f)}`);
  return `${lines.join('\n')}\n`;
}

/** `shop/api ingress now admits shop/web on TCP 8080 (by ...); still blocked by the egress of shop/web`. */
function latentText(l: NetworkDiff['latent'][number]): string {
  const peers = l.peers.length > 6 ? `${l.peers.slice(0, 6).join(', ')} and ${l.peers.length - 6} more` : l.peers.join(', ');
  const verb = l.direction === 'ingress' ? 'now admits connections from' : 'now allows connections to';
  return `${l.workload} ${l.direction} ${verb} ${peers} on ${l.ports} (${l.reasons.join('; ')}); no traffic yet: still blocked by ${l.blockedBy}`;
}

function surfaceText(i: NetworkDiff['surface']['added'][number]): string {
  return `${i.surface} ${i.object}: ${i.detail}${i.at ? ` (${i.at})` : ''}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A pull-request comment: a summary line, then tables of widened and narrowed connections. */
export function diffMarkdown(diff: NetworkDiff, lint: LintDiff, flows?: FlowChanges): string {
  const lines = [`**netkit diff**: ${summary(diff, lint, flows)}.`, '', ...(flows ? flowChangesMarkdown(flows) : [])];
  const table = (title: string, rows: NetworkDiff['changes'], ports: (c: NetworkDiff['changes'][number]) => string) => {
    if (rows.length === 0) return;
    lines.push(`### ${title}`, '', '| from | to | before | after | ports | why |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of rows) lines.push(`| ${cell(c.from)} | ${cell(c.to)} | ${cell(c.before || '—')} | ${cell(c.after || '—')} | ${cell(ports(c))} | ${cell(c.reasons.join('; '))} |`);
    lines.push('');
  };
  table('Widened', widenedOf(diff), (c) => c.widened);
  table('Narrowed', narrowedOf(diff), (c) => c.narrowed);
  if (diff.latent.length > 0) {
    lines.push('### Latent widening (no traffic yet: the other side still blocks)', '', '| workload | side | now admits | ports | why | still blocked by |', '| --- | --- | --- | --- | --- | --- |');
    for (const l of diff.latent) lines.push(`| ${cell(l.workload)} | ${l.direction} | ${cell(l.peers.join(', '))} | ${cell(l.ports)} | ${cell(l.reasons.join('; '))} | ${cell(l.blockedBy)} |`);
    lines.push('');
  }
  if (diff.surface.added.length + diff.surface.removed.length > 0) {
    lines.push('### Exposure surface (ways in, whatever the policies say today)', '', '| | way in | object | what | where |', '| --- | --- | --- | --- | --- |');
    for (const [sign, items] of [['added', diff.surface.added], ['removed', diff.surface.removed]] as const) {
      for (const i of items) lines.push(`| ${sign} | ${cell(i.surface)} | ${cell(i.object)} | ${cell(i.detail)} | ${cell(i.at ?? '')} |`);
    }
    lines.push('');
  }
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
