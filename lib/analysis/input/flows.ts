/**
 * Observed traffic, read from what teams already export:
 * - Hubble: `hubble observe -o json`, one `{"flow": {...}}` per line (Cilium's flow.proto as
 *   JSON: `IP.source/destination`, `l4.TCP|UDP|SCTP.destination_port`, `l4.ICMPv4|ICMPv6`,
 *   `source`/`destination` with `namespace`, `labels` (`k8s:key=value`), `pod_name`,
 *   `workloads`, `is_reply`, `verdict`);
 * - netkit JSON lines: `{"from", "to", "port", "protocol", "count"}`;
 * - netkit CSV with the header `from,to,port,protocol[,count]`.
 * An end in netkit's formats is `<namespace>/<name>` (or `<namespace>/<kind>/<name>`), pod labels
 * as `<namespace>:<key>=<value>[;<key>=<value>]` (or `{ "namespace", "labels" }` in JSON), or an
 * IP address. Records are folded into distinct flows with counts; a malformed line is reported
 * with its number and skipped; replies are counted apart (they carry no verdict of their own).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Labels } from '../model/selectors';
import { parseIp } from '../../net/ip';
import { envNumber } from '../../private/env-number';
import { FLOW_WORKER_ARGUMENT } from '../../private/worker-arguments';

/** One end of an observed flow, as the input names it. */
export interface FlowEnd {
  /** `<namespace>/<name>` or `<namespace>/<kind>/<name>` of a workload (netkit formats; Hubble's `workloads`). @default - none */
  readonly workload?: string;
  /** The pod's namespace. @default - none */
  readonly namespace?: string;
  /** The pod's labels. @default - none */
  readonly labels?: Labels;
  /** The pod's name (Hubble). @default - none */
  readonly pod?: string;
  /** The address. @default - none */
  readonly ip?: string;
  /** DNS names the address was looked up as (Hubble's `destination_names`). @default - none */
  readonly names?: readonly string[];
  /** A Cilium reserved identity (`world`, `host`, `kube-apiserver`, ...) from Hubble labels. @default - none */
  readonly reserved?: string;
}

/** A distinct observed flow: both ends, protocol and destination port, with how often it was seen. */
export interface ObservedFlow {
  /** The source. */
  readonly from: FlowEnd;
  /** The destination. */
  readonly to: FlowEnd;
  /** `TCP`, `UDP`, `SCTP`, `ICMPv4`, `ICMPv6`, ... */
  readonly protocol: string;
  /** The destination port (none for ICMP). @default - none */
  readonly port?: number;
  /** How many records were folded into it. */
  readonly count: number;
  /** What the network plugin did, when the record says (Hubble `verdict`: FORWARDED, DROPPED, ...). @default - not recorded */
  readonly observed?: string;
  /** The line of the first record. */
  readonly line: number;
}

/** A line that could not be read. */
export interface MalformedFlowLine {
  /** 1-based line number. */
  readonly line: number;
  /** Why it was skipped. */
  readonly reason: string;
}

/** What reading flow records gave. */
export interface FlowInput {
  /** The format detected. */
  readonly format: 'hubble' | 'jsonl' | 'csv';
  /** Distinct flows, in order of first appearance. */
  readonly flows: ObservedFlow[];
  /** Lines skipped. */
  readonly malformed: MalformedFlowLine[];
  /** Records marked as replies (Hubble `is_reply: true`), counted apart. */
  readonly replies: number;
  /** Records read (replies and malformed lines excluded). */
  readonly records: number;
}

/** A flow file netkit cannot read at all. */
export class FlowFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowFormatError';
  }
}

export const FLOW_FORMATS = 'Hubble JSON lines (hubble observe -o json), netkit JSON lines ({"from", "to", "port", "protocol", "count"}) and netkit CSV (header from,to,port,protocol[,count])';

/** Folds lines into distinct flows. */
class FlowReader {
  public format?: 'hubble' | 'jsonl' | 'csv';
  private readonly byKey = new Map<FlowEnd, Map<FlowEnd, Map<number, { flow: ObservedFlow; count: number }>>>();
  private readonly codes = new Map<string, number>();

  /** A small number per protocol or verdict name. */
  private code(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.codes.size + 1;
      if (code >= 64) throw new Error(`more than 63 distinct protocols and verdicts (${text})`);
      this.codes.set(text, code);
    }
    return code;
  }
  private readonly order: { flow: ObservedFlow; count: number }[] = [];
  private readonly ends = new Map<string, FlowEnd>();
  private readonly canonical = new WeakSet<FlowEnd>();
  public readonly malformed: MalformedFlowLine[] = [];
  public replies = 0;
  public records = 0;
  private csvColumns?: Record<string, number>;
  /** Hubble ends by what identifies them (pods of one workload share one). */
  private readonly hubbleEnds = new Map<string, FlowEnd>();
  private readonly csvSeen = new Map<string, { entry: { count: number }; count: number }>();
  private lineNumber = 0;

  public line(text: string): void {
    this.lineNumber++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    // Cheap tests first: exports run to millions of lines.
    const first = line.charCodeAt(0);
    if (line.length === 0 || first === 35 /* # */ || ((first === 32 || first === 9) && line.trim() === '')) return;
    if (this.format === undefined) this.detect(line);
    // Captures repeat the same record many times: a CSV line seen before is not parsed again.
    const seen = this.format === 'csv' ? this.csvSeen.get(line) : undefined;
    if (seen !== undefined) {
      this.records++;
      seen.entry.count += seen.count;
      return;
    }
    try {
      const read = this.format === 'csv' ? this.csv(line) : this.json(line);
      if (read === 'header' || read === 'skip') return;
      if (read === 'reply') { this.replies++; return; }
      const entry = this.add(read.flow, read.count);
      if (this.format === 'csv' && this.csvSeen.size < 1_000_000) this.csvSeen.set(line, { entry, count: read.count });
    } catch (error) {
      if (error instanceof FlowFormatError) throw error;
      this.malformed.push({ line: this.lineNumber, reason: (error as Error).message });
    }
  }

  private detect(line: string): void {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      let value: unknown;
      try { value = JSON.parse(trimmed); } catch { throw new FlowFormatError(`line ${this.lineNumber} starts like JSON but is not JSON; netkit reads ${FLOW_FORMATS}`); }
      this.format = isObject(value) && ('flow' in value || 'IP' in value || 'l4' in value) ? 'hubble' : 'jsonl';
      return;
    }
    const header = trimmed.split(',').map((c) => c.trim().toLowerCase());
    if (header.includes('from') && header.includes('to') && header.includes('protocol')) {
      this.format = 'csv';
      return;
    }
    throw new FlowFormatError(`the first line is neither JSON nor a CSV header naming from, to, port and protocol; netkit reads ${FLOW_FORMATS}`);
  }

  private csv(line: string): 'header' | { flow: Omit<ObservedFlow, 'count' | 'line'>; count: number } {
    const cells = line.split(',').map((c) => c.trim());
    if (this.csvColumns === undefined) {
      this.csvColumns = Object.fromEntries(cells.map((c, i) => [c.toLowerCase(), i]));
      for (const column of ['from', 'to', 'protocol']) if (this.csvColumns[column] === undefined) throw new FlowFormatError(`the CSV header has no "${column}" column; it needs from,to,port,protocol[,count]`);
      return 'header';
    }
    const cell = (name: string) => (this.csvColumns![name] === undefined ? undefined : cells[this.csvColumns![name]]);
    return netkitRecord({ from: cell('from'), to: cell('to'), port: cell('port'), protocol: cell('protocol'), count: cell('count') });
  }

  private json(line: string): 'skip' | 'reply' | { flow: Omit<ObservedFlow, 'count' | 'line'>; count: number } {
    let value: unknown;
    try { value = JSON.parse(line); } catch (error) { throw new Error(`not JSON (${(error as Error).message})`); }
    if (!isObject(value)) throw new Error('not a JSON object');
    return this.format === 'hubble' ? hubbleRecord(value, this.hubbleEnds) : netkitRecord(value);
  }

  /** One object per distinct end, so that flows are keyed by identity, not by long strings. */
  private intern(end: FlowEnd): FlowEnd {
    if (this.canonical.has(end)) return end;
    const key = endKey(end);
    let found = this.ends.get(key);
    if (found === undefined) {
      found = end;
      this.ends.set(key, end);
      this.canonical.add(end);
    }
    return found;
  }

  private add(flow: Omit<ObservedFlow, 'count' | 'line'>, count: number): { flow: ObservedFlow; count: number } {
    this.records++;
    const from = this.intern(flow.from);
    const to = this.intern(flow.to);
    let byTo = this.byKey.get(from);
    if (byTo === undefined) { byTo = new Map(); this.byKey.set(from, byTo); }
    let byTarget = byTo.get(to);
    if (byTarget === undefined) { byTarget = new Map(); byTo.set(to, byTarget); }
    // A number, not a string: built for every record.
    const target = (flow.port ?? 0) + 65536 * (this.code(flow.protocol) + 64 * (flow.observed === undefined ? 0 : this.code(flow.observed)));
    let found = byTarget.get(target);
    if (found) found.count += count;
    else {
      found = { flow: { ...flow, from, to, count: 0, line: this.lineNumber }, count };
      byTarget.set(target, found);
      this.order.push(found);
    }
    return found;
  }

  public result(): FlowInput {
    return {
      format: this.format ?? 'jsonl',
      flows: this.order.map((e) => ({ ...e.flow, count: e.count })),
      malformed: this.malformed,
      replies: this.replies,
      records: this.records,
    };
  }
}

/** Reads flow records from text. Throws {@link FlowFormatError} when the format is none netkit reads. */
export function readFlows(text: string): FlowInput {
  const reader = new FlowReader();
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    reader.line(text.slice(start, end < 0 ? text.length : end));
    if (end < 0) break;
    start = end + 1;
  }
  return reader.result();
}

/** Feeds lines of a byte range of a file to a reader, in chunks (flow exports are often larger than a string may be). */
function readRange(reader: FlowReader, path: string, from = 0, to = Infinity): number {
  const fd = openSync(path, 'r');
  let lines = 0;
  try {
    const buffer = Buffer.alloc(8 << 20);
    let rest = '';
    let position = from;
    while (position < to) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, to - position), position);
      if (n === 0) break;
      position += n;
      const text = rest + buffer.toString('utf8', 0, n);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        reader.line(text.slice(start, end));
        lines++;
        start = end + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') { reader.line(rest); lines++; }
  } finally {
    closeSync(fd);
  }
  return lines;
}

/**
 * JSON-lines files larger than this are read by worker threads in parallel, one byte range
 * each (`NETKIT_PARALLEL_FLOW_BYTES` overrides it, as the tests do).
 */
export const PARALLEL_FLOW_BYTES = envNumber('NETKIT_PARALLEL_FLOW_BYTES', 64 << 20);

/**
 * Reads a flow file. A large JSON-lines export is split at line boundaries and read by worker
 * threads, one range each (JSON.parse is most of the time); their distinct flows are merged in
 * file order, line numbers kept.
 */
export function readFlowsFile(path: string): FlowInput {
  const size = statSync(path).size;
  const workers = Math.min(availableParallelism(), 4);
  if (size < PARALLEL_FLOW_BYTES || workers < 2 || !WORKER_FILE) {
    const reader = new FlowReader();
    readRange(reader, path);
    return reader.result();
  }
  // The first line decides the format, for every range alike.
  const head = new FlowReader();
  const firstLine = readFirstLine(path);
  head.line(firstLine);
  if (head.format === 'csv') {
    const reader = new FlowReader();
    readRange(reader, path);
    return reader.result();
  }
  const bounds = lineBounds(path, size, workers);
  const parts = runWorkers(path, bounds, head.format ?? 'jsonl');
  return mergeParts(parts);
}

/** Byte offsets that cut the file into `n` ranges at line starts. */
function lineBounds(path: string, size: number, n: number): number[] {
  const fd = openSync(path, 'r');
  try {
    const bounds = [0];
    const probe = Buffer.alloc(1 << 20);
    for (let i = 1; i < n; i++) {
      let at = Math.floor((size * i) / n);
      for (;;) {
        const got = readSync(fd, probe, 0, probe.length, at);
        if (got === 0) { at = size; break; }
        const newline = probe.subarray(0, got).indexOf(10);
        if (newline >= 0) { at += newline + 1; break; }
        at += got;
      }
      if (at > bounds[bounds.length - 1] && at < size) bounds.push(at);
    }
    bounds.push(size);
    return bounds;
  } finally {
    closeSync(fd);
  }
}

function readFirstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const got = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.toString('utf8', 0, got);
    const end = text.indexOf('\n');
    return end < 0 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

interface RangeResult { readonly input: FlowInput; readonly lines: number }

function runWorkers(path: string, bounds: readonly number[], format: 'hubble' | 'jsonl' | 'csv'): RangeResult[] {
  // Synchronous from the caller's view: each worker posts its result, which is received with
  // receiveMessageOnPort after Atomics.wait on a shared flag.
  const results: RangeResult[] = [];
  const jobs = bounds.slice(0, -1).map((from, i) => {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_FILE!, { workerData: { netkitFlowRange: { path, from, to: bounds[i + 1], format, port: port2, flag } }, transferList: [port2], execArgv: [], argv: [FLOW_WORKER_ARGUMENT] });
    return { worker, port1, flag };
  });
  for (const job of jobs) {
    Atomics.wait(job.flag, 0, 0);
    const message = receiveMessageOnPort(job.port1)?.message as RangeResult | { error: string } | undefined;
    void job.worker.terminate();
    if (!message || 'error' in message) throw new Error(`reading flows in a worker failed: ${message && 'error' in message ? message.error : 'no result'}`);
    results.push(message);
  }
  return results;
}

/** The ranges' distinct flows merged in file order (line numbers made global). */
function mergeParts(parts: readonly RangeResult[]): FlowInput {
  const merged = new Map<string, ObservedFlow & { count: number }>();
  const malformed: MalformedFlowLine[] = [];
  let replies = 0;
  let records = 0;
  let offset = 0;
  for (const part of parts) {
    for (const flow of part.input.flows) {
      const key = `${endKey(flow.from)}\u0001${endKey(flow.to)}\u0001${flow.protocol}\u0001${flow.port ?? ''}\u0001${flow.observed ?? ''}`;
      const seen = merged.get(key);
      if (seen) seen.count += flow.count;
      else merged.set(key, { ...flow, line: flow.line + offset });
    }
    for (const m of part.input.malformed) malformed.push({ line: m.line + offset, reason: m.reason });
    replies += part.input.replies;
    records += part.input.records;
    offset += part.lines;
  }
  return { format: parts[0]?.input.format ?? 'jsonl', flows: [...merged.values()], malformed, replies, records };
}

/** The compiled file a worker runs (this module, or the one-file CLI holding it); none under a TypeScript loader. */
const WORKER_FILE = typeof __filename === 'string' && __filename.endsWith('.js') ? __filename : undefined;

// A worker started by runWorkers: read one range and post the result.
if (!isMainThread && (workerData as { netkitFlowRange?: unknown } | null)?.netkitFlowRange) {
  const job = (workerData as { netkitFlowRange: { path: string; from: number; to: number; format: 'hubble' | 'jsonl' | 'csv'; port: MessagePort; flag: Int32Array } }).netkitFlowRange;
  try {
    const reader = new FlowReader();
    reader.format = job.format;
    const lines = readRange(reader, job.path, job.from, job.to);
    job.port.postMessage({ input: reader.result(), lines });
  } catch (error) {
    job.port.postMessage({ error: (error as Error).message });
  }
  Atomics.store(job.flag, 0, 1);
  Atomics.notify(job.flag, 0);
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function endKey(end: FlowEnd): string {
  if (end.workload) return `w:${end.workload}`;
  if (end.labels && end.namespace !== undefined) return `l:${end.namespace}:${Object.keys(end.labels).sort().map((k) => `${k}=${end.labels![k]}`).join(',')}`;
  return `a:${end.ip ?? ''}:${end.reserved ?? ''}:${(end.names ?? []).join(',')}`;
}

const PROTOCOL_NAMES: Record<string, string> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP', icmp: 'ICMPv4', icmpv4: 'ICMPv4', icmpv6: 'ICMPv6' };

/** A netkit record (JSON line or CSV row). */
function netkitRecord(raw: Record<string, unknown>): { flow: Omit<ObservedFlow, 'count' | 'line'>; count: number } {
  const from = netkitEnd(raw.from, 'from');
  const to = netkitEnd(raw.to, 'to');
  const protocol = PROTOCOL_NAMES[String(raw.protocol ?? '').toLowerCase()];
  if (!protocol) throw new Error(`protocol ${JSON.stringify(raw.protocol)} is not TCP, UDP, SCTP, ICMPv4 or ICMPv6`);
  const portRaw = raw.port === undefined || raw.port === '' ? undefined : Number(raw.port);
  if (protocol.startsWith('ICMP')) {
    if (portRaw !== undefined) throw new Error(`port ${JSON.stringify(raw.port)} is given for ${protocol}, which has no ports`);
  } else if (portRaw === undefined || !Number.isInteger(portRaw) || portRaw < 1 || portRaw > 65535) {
    throw new Error(`port ${JSON.stringify(raw.port)} is not a port number (1-65535)`);
  }
  const count = raw.count === undefined || raw.count === '' ? 1 : Number(raw.count);
  if (!Number.isInteger(count) || count < 1) throw new Error(`count ${JSON.stringify(raw.count)} is not a whole number of at least 1`);
  return { flow: { from, to, protocol, ...(portRaw !== undefined ? { port: portRaw } : {}), ...(typeof raw.verdict === 'string' ? { observed: raw.verdict.toUpperCase() } : {}) }, count };
}

function netkitEnd(raw: unknown, field: string): FlowEnd {
  if (isObject(raw)) {
    if (typeof raw.namespace !== 'string' || !isObject(raw.labels)) throw new Error(`${field} is an object without namespace and labels`);
    return { namespace: raw.namespace, labels: Object.fromEntries(Object.entries(raw.labels).map(([k, v]) => [k, String(v)])) };
  }
  if (typeof raw !== 'string' || raw === '') throw new Error(`${field} is missing`);
  if (parseIp(raw)) return { ip: raw };
  const labelled = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):(.+)$/.exec(raw);
  if (labelled) {
    const labels: Record<string, string> = {};
    for (const pair of labelled[3].split(';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`${field} ${JSON.stringify(raw)}: labels are key=value pairs separated by ";"`);
      labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return { namespace: labelled[1], labels };
  }
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/([A-Za-z]+\/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(raw)) return { workload: raw };
  throw new Error(`${field} ${JSON.stringify(raw)} is not <namespace>/<name>, <namespace>:<key>=<value>[;...] or an IP address`);
}

/** A Hubble flow line. */
function hubbleRecord(raw: Record<string, any>, ends: Map<string, FlowEnd>): 'skip' | 'reply' | { flow: Omit<ObservedFlow, 'count' | 'line'>; count: number } {
  const flow = isObject(raw.flow) ? raw.flow : raw;
  if (!isObject(flow.IP)) {
    // Lost-event and node-status lines carry no flow.
    if (raw.lost_events || raw.node_status || raw.debug_event) return 'skip';
    throw new Error('a Hubble flow without IP addresses (an L2 or debug event)');
  }
  if (flow.is_reply === true) return 'reply';
  const l4 = isObject(flow.l4) ? flow.l4 : {};
  let protocol: string | undefined;
  let port: number | undefined;
  for (const name of ['TCP', 'UDP', 'SCTP'] as const) {
    if (isObject(l4[name])) { protocol = name; port = Number(l4[name].destination_port); }
  }
  if (isObject(l4.ICMPv4)) protocol = 'ICMPv4';
  if (isObject(l4.ICMPv6)) protocol = 'ICMPv6';
  if (!protocol) throw new Error('a Hubble flow without a layer 4 protocol');
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`destination_port ${JSON.stringify(port)} is not a port number`);
  const from = cachedHubbleEnd(ends, flow.source, String(flow.IP.source ?? ''), flow.source_names);
  const to = cachedHubbleEnd(ends, flow.destination, String(flow.IP.destination ?? ''), flow.destination_names);
  return { flow: { from, to, protocol, ...(port !== undefined ? { port } : {}), ...(typeof flow.verdict === 'string' ? { observed: flow.verdict } : {}) }, count: 1 };
}

/**
 * A Hubble end, read once per identity: a pod end by namespace, labels and owner (its address
 * and pod name are the first seen; matching uses neither when labels are there), any other
 * end by its address and names too.
 */
function cachedHubbleEnd(ends: Map<string, FlowEnd>, raw: unknown, ip: string, names: unknown): FlowEnd {
  const endpoint = isObject(raw) ? raw : {};
  const owner = Array.isArray(endpoint.workloads) && isObject(endpoint.workloads[0]) ? String(endpoint.workloads[0].name) : '';
  const namespace = typeof endpoint.namespace === 'string' ? endpoint.namespace : '';
  // Cilium's security identity stands for the labels (pods with the same labels share it), so
  // a pod end is keyed by it when the flow carries one; reserved identities (world, host) are
  // addresses, keyed by the address too.
  const identity = typeof endpoint.identity === 'number' && endpoint.identity > 255 && namespace !== '' ? endpoint.identity : undefined;
  const labels = identity === undefined && Array.isArray(endpoint.labels) ? endpoint.labels.join('\u0001') : '';
  const key = identity !== undefined ? `i\u0002${identity}\u0002${namespace}\u0002${owner}`
    : namespace !== '' && labels !== '' ? `p\u0002${namespace}\u0002${labels}\u0002${owner}` : `a\u0002${ip}\u0002${labels}\u0002${Array.isArray(names) ? names.join(',') : ''}\u0002${namespace}`;
  let end = ends.get(key);
  if (end === undefined) {
    end = hubbleEnd(endpoint, ip, names);
    if (ends.size < 1_000_000) ends.set(key, end);
  }
  return end;
}

function hubbleEnd(raw: unknown, ip: string, names: unknown): FlowEnd {
  const endpoint = isObject(raw) ? raw : {};
  const labels: Record<string, string> = {};
  let reserved: string | undefined;
  for (const label of Array.isArray(endpoint.labels) ? endpoint.labels : []) {
    if (typeof label !== 'string') continue;
    const text = label.replace(/^(k8s|container|any):/, '');
    if (label.startsWith('reserved:')) { reserved = label.slice('reserved:'.length).split('=')[0]; continue; }
    // Cilium's identity labels describe the namespace and account, not the pod.
    if (text.startsWith('io.cilium.') || text.startsWith('io.kubernetes.pod.namespace')) continue;
    const eq = text.indexOf('=');
    if (eq > 0) labels[text.slice(0, eq)] = text.slice(eq + 1);
  }
  const namespace = typeof endpoint.namespace === 'string' && endpoint.namespace !== '' ? endpoint.namespace : undefined;
  const workload = Array.isArray(endpoint.workloads) && isObject(endpoint.workloads[0]) && typeof endpoint.workloads[0].name === 'string' && namespace ? `${namespace}/${endpoint.workloads[0].name}` : undefined;
  return {
    ...(workload ? { workload } : {}),
    ...(namespace ? { namespace, labels } : {}),
    ...(typeof endpoint.pod_name === 'string' && endpoint.pod_name !== '' ? { pod: endpoint.pod_name } : {}),
    ...(ip ? { ip } : {}),
    ...(Array.isArray(names) && names.length > 0 ? { names: names.map(String) } : {}),
    ...(reserved ? { reserved } : {}),
  };
}
