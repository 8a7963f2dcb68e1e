import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { GraphFormat } from './graph';
import { readInputs } from './inputs';
import { DocumentReuse, InputError, SourcedObject } from '../analysis/input/loader';
import type { FlowChanges } from '../analysis/queries/replay';
import type { LintDiff } from './review';
import type { FlowInput } from '../analysis/input/flows';
import type { ModelOptions, NetworkModel } from '../analysis/queries/network-model';
import { DnsTarget, EgressIsolationScope } from '../lint/context';
import { formatFinding, lintReport } from '../lint/engine';
import { nodePortRangeProblem, unknownRuleIdsProblem } from '../lint/helpers';
import { ALL_RULES } from '../lint/rules';
import { toSarif } from '../lint/sarif';
import { labelsProblem, portNameProblem } from '../net/names';
import { NetkitError } from '../private/errors';
import { Finding, Severity } from '../lint/types';

/** Where the CLI writes (and reads `-` from); tests pass their own. */
export interface CliIo {
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
  /** Standard input, read when a path is `-`. @default the process's standard input */
  readonly stdin?: () => string;
  /**
   * Writes one piece of a long output, resolving when the reader has taken it (a pipe to `jq`
   * or `head` reads slower than netkit writes; without waiting, pieces pile up in memory).
   * @default out
   */
  readonly outPiece?: (text: string) => Promise<void> | void;
}

/*
 * Each command loads what only it needs when it runs (the analyzer, diff and report, Graphviz):
 * `netkit check` starts without them. TypeScript compiles these `import()`s to `require`.
 */
const analyzer = () => import('../analysis/queries/network-model');
const flowReader = () => import('../analysis/input/flows');
const fixturesFor = async (withCluster: boolean | undefined): Promise<SourcedObject[]> =>
  withCluster ? (await import('../analysis/input/cluster-fixtures')).clusterFixtures().map((object) => ({ object, file: '<cluster fixtures>' })) : [];

const PROCESS_IO: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  outPiece: (t) => (process.stdout.write(t) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', resolve))),
};

const POD_CIDR = "the cluster's pod CIDRs, comma-separated: CIDR-like peers (ClusterNetworkPolicy networks, ipBlock) that hold or miss them all decide without pod addresses";
const NODE_CIDR = 'the CIDRs node addresses are in, comma-separated, for nodes peers and host-network pods when the input has no Node objects';

/** `--pod-cidr`, `--node-cidr`, `--cni` and `--staged` as model options. */
function addressOptions(options: { podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }): ModelOptions {
  const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((c) => c.trim()).filter(Boolean));
  return {
    ...(options.podCidr !== undefined ? { podCidrs: list(options.podCidr) } : {}),
    ...(options.nodeCidr !== undefined ? { nodeCidrs: list(options.nodeCidr) } : {}),
    ...(options.cni !== undefined ? { cni: options.cni } : {}),
    ...(options.staged ? { staged: true } : {}),
  };
}

const CNI = 'the network plugin that enforces policy: cilium reads CiliumNetworkPolicy beside NetworkPolicy; calico reads its tiers and policies, with NetworkPolicy in the default tier; standard reads NetworkPolicy alone, saying so for the others (default: inferred from the kinds present, with a notice)';
const STAGED = "evaluate Calico's staged policies as if enforced (the offline preview of what they would do); without it they are left out, with a notice";

/** `GET:/v1/charges` as an HTTP request. */
function parseHttp(text: string): { method: string; path: string } {
  const match = /^([A-Za-z]+):(\/.*)$/.exec(text);
  if (!match) throw new UsageError(`--http ${text} is not METHOD:/path, e.g. GET:/v1/charges.`);
  return { method: match[1].toUpperCase(), path: match[2] };
}

const WITH_CLUSTER = 'add what a real cluster has and the input lacks: CoreDNS, an ingress-nginx controller, a Prometheus (your objects win)';

/** Flow records from a file, or standard input for `-`. */
async function readFlowInput(path: string, io: CliIo): Promise<FlowInput> {
  const { readFlows, readFlowsFile } = await flowReader();
  if (path === '-') return readFlows(io.stdin ? io.stdin() : readFileSync(0, 'utf8'));
  try {
    return readFlowsFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${path}: no such flow file.`);
    throw error;
  }
}

/** The options every command that builds a model takes: the cluster stand-ins, addresses, plugin and staged policies. */
function withModelOptions(command: Command): Command {
  return command
    .option('--with-cluster', WITH_CLUSTER)
    .option('--pod-cidr <cidrs>', POD_CIDR)
    .option('--node-cidr <cidrs>', NODE_CIDR)
    .addOption(new Option('--cni <name>', CNI).choices(['cilium', 'calico', 'standard']))
    .option('--staged', STAGED);
}

/** A usage or input problem: one line on stderr, exit code 2. */
class UsageError extends Error {}

function read(paths: string[], io: CliIo, tolerant = false, reuse?: DocumentReuse) {
  return readInputs(paths, {}, io.stdin, tolerant, reuse);
}

/** A file that could not be parsed, as a finding: `netkit check` lints every other file on. */
function unreadableFinding(error: InputError): Finding {
  // InputError messages start with `file[:line[:column]]: `.
  const match = /^([^:]+)(?::(\d+))?(?::\d+)?: (.*)$/s.exec(error.message);
  const file = match?.[1];
  return {
    rule: 'unreadable-input',
    severity: Severity.ERROR,
    object: { apiVersion: '', kind: 'File', name: file ?? '<input>' },
    message: (match ? match[3] : error.message).replace(/\.$/, ''),
    fix: 'Fix the file as the message says; kubectl would refuse all of it',
    ...(file ? { file } : {}),
    ...(match?.[2] ? { line: Number(match[2]) } : {}),
  };
}

/**
 * Reads the inputs into a model and prints every notice: files skipped, duplicates, policies
 * left out. `withCluster` puts the cluster fixtures first, so the input's own objects win.
 */
async function loadModel(paths: string[], io: CliIo, withCluster = false, options: ModelOptions = {}): Promise<NetworkModel> {
  const inputs = read(paths, io);
  const fixtures = await fixturesFor(withCluster);
  const { NetworkModel } = await analyzer();
  const model = NetworkModel.fromSources([...fixtures, ...inputs.objects], inputs.notices, options);
  for (const notice of model.notices) io.err(`netkit: notice: ${notice}\n`);
  return model;
}

/** A port number, or a port name (resolved on the destination). */
function parsePort(text: string): number | string {
  if (/^\d+$/.test(text)) {
    const port = Number(text);
    if (port < 1 || port > 65535) throw new UsageError(`--port ${text} is not a port number (1-65535).`);
    return port;
  }
  const problem = portNameProblem(text);
  if (problem) throw new UsageError(`--port ${text} is neither a port number (1-65535) nor a port name (the name ${problem}).`);
  return text;
}

/** `kube-system/k8s-app=kube-dns:53` or `dns-system:5353`. */
function parseDnsTarget(text: string): DnsTarget {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\/([^=]+)=([^:]*))?:(\d+)$/.exec(text.trim());
  const port = match ? Number(match[5]) : 0;
  if (!match || port < 1 || port > 65535) throw new UsageError(`--dns ${text} is not <namespace>[/<label>=<value>]:<port>, e.g. kube-system/k8s-app=kube-dns:53.`);
  const podLabels = match[3] ? { [match[3]]: match[4] } : {};
  const labels = labelsProblem(podLabels);
  if (labels) throw new UsageError(`--dns ${text}: ${labels}.`);
  return { namespace: match[1], podLabels, port };
}

/** A whole number option within bounds. */
function numberOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} ${text} is not a number ${min}-${max}.`);
  return value;
}


/** The installed package's version (package.json sits two levels above lib/cli and dist/cli). */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('netkit')
    .description('Kubernetes NetworkPolicy reachability and lint over YAML files and directories.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(text) })
    .showSuggestionAfterError(true);

  program.command('check')
    .description('Lint networking mistakes (exit 1 when errors are found).')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .addOption(new Option('--format <f>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--min-severity <s>', 'lowest severity to report').choices(['error', 'warning', 'info']).default('info'))
    .option('--disable <ids>', 'comma-separated rule ids to turn off', '')
    .option('--node-port-range <min-max>', "the cluster's --service-node-port-range", '30000-32767')
    .option('--dns <targets>', "the cluster's DNS pods, comma-separated <namespace>[/<label>=<value>]:<port> (default: kube-system/k8s-app=kube-dns:53,openshift-dns/dns.operator.openshift.io/daemonset-dns=default:5353)")
    .option('--whole-namespaces', 'the input holds every object of the namespaces it touches: judge namespaces with no workloads in the input too')
    .addOption(new Option('--egress-isolation <scope>', 'where workload-not-egress-isolated looks').choices(Object.values(EgressIsolationScope)).default(EgressIsolationScope.DEFAULT_DENY_NAMESPACES))
    .option('--require-rules-both-ways', "Polaris's reading of isolation: a policy selecting the workload needs an ingress and an egress rule")
    .option('--every-load-balancer-is-exposure', 'strict profile: report every LoadBalancer, source ranges or not')
    .option('--system-namespaces <names>', 'comma-separated namespaces not advised to default-deny (default: kube-system,kube-public,kube-node-lease; "" judges them all)')
    .addOption(new Option('--cni <name>', "the cluster's network plugin, for the rules that judge policies against it (default: not declared)").choices(['cilium', 'calico', 'standard']))
    .action((paths: string[], options: { format: string; minSeverity: Severity; disable: string; nodePortRange: string; dns?: string; wholeNamespaces?: boolean; egressIsolation: EgressIsolationScope; requireRulesBothWays?: boolean; everyLoadBalancerIsExposure?: boolean; systemNamespaces?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const range = /^(\d+)-(\d+)$/.exec(options.nodePortRange);
      if (!range) throw new UsageError(`--node-port-range ${options.nodePortRange} is not <min>-<max>, e.g. 30000-32767.`);
      const nodePortRange = { min: Number(range[1]), max: Number(range[2]) };
      if (nodePortRangeProblem(nodePortRange)) throw new UsageError(`--node-port-range ${options.nodePortRange} is not a range of ports: both ends 1-65535, the first no greater than the last, e.g. 30000-32767.`);
      const dns = options.dns === undefined ? undefined : options.dns.split(',').filter(Boolean).map(parseDnsTarget);
      const disable = options.disable.split(',').map((d) => d.trim()).filter(Boolean);
      const idsProblem = unknownRuleIdsProblem(disable, ALL_RULES.map((r) => r.id));
      if (idsProblem) throw new UsageError(`--${idsProblem}.`);
      const inputs = read(paths, io, true);
      const report = lintReport(inputs.objects, {
        minSeverity: options.minSeverity,
        disable,
        nodePortRange,
        ...(dns ? { dns } : {}),
        wholeNamespaces: options.wholeNamespaces === true,
        egressIsolation: options.egressIsolation,
        requireRulesBothWays: options.requireRulesBothWays === true,
        everyLoadBalancerIsExposure: options.everyLoadBalancerIsExposure === true,
        ...(options.systemNamespaces !== undefined ? { systemNamespaces: options.systemNamespaces.split(',').map((n) => n.trim()).filter(Boolean) } : {}),
        ...(options.cni !== undefined ? { cni: options.cni } : {}),
      });
      const notices = report.notices;
      const findings = [...inputs.failures.map(unreadableFinding), ...report.findings];
      for (const notice of [...inputs.notices, ...notices]) io.err(`netkit: notice: ${notice}\n`);
      if (options.format === 'json') io.out(`${JSON.stringify(findings, null, 2)}\n`);
      else if (options.format === 'sarif') io.out(`${JSON.stringify(toSarif(findings), null, 2)}\n`);
      else {
        for (const finding of findings) io.out(`${formatFinding(finding)}\n`);
        const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
        io.out(`${inputs.files.length} file(s), ${inputs.objects.length} object(s): ${count(Severity.ERROR)} error(s), ${count(Severity.WARNING)} warning(s), ${count(Severity.INFO)} info\n`);
      }
      setExit(findings.some((f) => f.severity === Severity.ERROR) ? 1 : 0);
    });

  withModelOptions(program.command('reach'))
    .description('Say whether one workload may connect to another (exit 0 allowed, 1 denied, 3 allowed for some requests only).')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .requiredOption('--from <ref>', 'source: <namespace>/<name> or an IP address')
    .requiredOption('--to <ref>', 'destination: <namespace>/<name>, an IP address (a Service\'s cluster IP is that Service), a host name (api.stripe.com), entity:world or service:<namespace>/<name>')
    .option('--resolves-to <ips>', 'the addresses a host name in --to resolves to, comma-separated')
    .option('--http <method:path>', 'an HTTP request on the connection, for layer 7 rules, e.g. GET:/v1/charges')
    .option('--dns <name>', 'a DNS lookup of this name on the connection (to a DNS server, port 53), for Cilium DNS rules')
    .option('--port <n>', 'destination port: a number, or a port name resolved on the destination (required but for ICMP and other protocols without ports)')
    .option('--protocol <p>', 'TCP, UDP or SCTP (any case); on Calico also ICMP, ICMPv6, UDPLite or a number 1-255', 'TCP')
    .option('--source-port <n>', 'the source port, for Calico rules that match source ports')
    .option('--icmp-type <n>', 'the ICMP type (with --protocol ICMP or ICMPv6), for Calico rules that match it')
    .option('--icmp-code <n>', 'the ICMP code (with --icmp-type)')
    .option('--no-service-translation', "check the destination pod's own port, even when a Service of the same name has that port")
    .option('--json', 'print the verdict as JSON')
    .action(async (paths: string[], options: { from: string; to: string; port?: string; protocol: string; sourcePort?: string; icmpType?: string; icmpCode?: string; serviceTranslation: boolean; json?: boolean; http?: string; dns?: string; resolvesTo?: string; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const port = options.port === undefined ? undefined : parsePort(options.port);
      const protocol = options.protocol;
      const sourcePort = options.sourcePort === undefined ? undefined : numberOption('--source-port', options.sourcePort, 1, 65535);
      const icmp = options.icmpType === undefined && options.icmpCode === undefined ? undefined : {
        ...(options.icmpType !== undefined ? { type: numberOption('--icmp-type', options.icmpType, 0, 254) } : {}),
        ...(options.icmpCode !== undefined ? { code: numberOption('--icmp-code', options.icmpCode, 0, 255) } : {}),
      };
      const http = options.http !== undefined ? parseHttp(options.http) : undefined;
      const resolvesTo = options.resolvesTo?.split(',').map((ip) => ip.trim()).filter(Boolean);
      const verdict = (await loadModel(paths, io, options.withCluster, addressOptions(options))).check({
        from: options.from, to: options.to, ...(port !== undefined ? { port } : {}), protocol, ...(sourcePort !== undefined ? { sourcePort } : {}), ...(icmp ? { icmp } : {}), serviceTranslation: options.serviceTranslation, ...(http ? { http } : {}), ...(options.dns !== undefined ? { dns: options.dns } : {}), ...(resolvesTo ? { resolvesTo } : {}),
      });
      const word = !verdict.allowed ? 'DENIED' : verdict.someRequestsOnly ? 'ALLOWED_SOME_REQUESTS' : 'ALLOWED';
      io.out(options.json ? `${JSON.stringify({ verdict: word, ...verdict }, null, 2)}\n` : `${verdict.why}\n`);
      setExit(word === 'DENIED' ? 1 : word === 'ALLOWED_SOME_REQUESTS' ? 3 : 0);
    });

  withModelOptions(program.command('matrix'))
    .description('Print what may flow between every ordered pair of workloads.')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .addOption(new Option('--format <f>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--external <ips>', 'comma-separated external addresses to include (default: 203.0.113.7 and every single address a policy names)')
    .action(async (paths: string[], options: { format: string; external?: string; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const model = await loadModel(paths, io, options.withCluster, addressOptions(options));
      const { matrixCsv, matrixJsonChunks, matrixTable, pathsText } = await import('./format');
      // JSON is written from the cells as numbers (millions of them at scale), the other formats read them.
      const lazyCells = options.format === 'json';
      const matrix = model.matrix(options.external === undefined ? { lazyCells } : { externalEndpoints: options.external.split(',').filter(Boolean), lazyCells });
      const publicPaths = model.publicPaths();
      if (options.format === 'json') for (const chunk of matrixJsonChunks(matrix, publicPaths)) await (io.outPiece ?? io.out)(chunk);
      else if (options.format === 'csv') io.out(matrixCsv(matrix));
      else io.out(matrixTable(matrix) + pathsText(publicPaths));
    });

  withModelOptions(program.command('graph'))
    .description('Draw allowed traffic: namespaces as groups, edges labelled with ports.')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .addOption(new Option('--format <f>', 'output format').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .action(async (paths: string[], options: { format: GraphFormat; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const model = await loadModel(paths, io, options.withCluster, addressOptions(options));
      const { toDot, toMermaid, toSvg } = await import('./graph');
      const matrix = model.matrix();
      const publicPaths = model.publicPaths();
      if (options.format === 'svg') io.out(await toSvg(matrix, publicPaths));
      else io.out(options.format === 'dot' ? toDot(matrix, publicPaths) : toMermaid(matrix, publicPaths));
    });

  withModelOptions(program.command('diff'))
    .description('What a change opens or closes: connections widened or narrowed (with the rule that allows or the change that closed them), workloads added or removed, lint findings new or fixed. Exit 0: nothing changed; 1: connectivity widened (see --fail-on); 2: bad input.')
    .argument('[old]', 'the old revision: a file or directory')
    .argument('[new]', 'the new revision: a file or directory')
    .option('--git <rev1..rev2>', 'read both revisions from git, e.g. origin/main..HEAD (no checkout); the arguments are then paths inside the repository (default: the folders of the manifests that changed)')
    .addOption(new Option('--format <f>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .addOption(new Option('--fail-on <what>', 'exit 1 when connectivity widened; when it or a rule widened (latent: the other side still blocks); when a way in was added (surface: NodePort, LoadBalancer, externalIPs, host port, route); when an observed flow (--flows) is newly denied (broken); on any change; or never').choices(['widened', 'latent', 'surface', 'broken', 'any', 'never']).default('widened'))
    .option('--flows <file>', 'observed traffic (Hubble JSON lines, netkit JSON lines or CSV): adds what the change breaks (observed flows newly denied) and newly allows')
    .action(async (first: string | undefined, second: string | undefined, options: { git?: string; flows?: string; format: string; failOn: 'widened' | 'latent' | 'surface' | 'broken' | 'any' | 'never'; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      // A usage mistake is said before any revision is read (or linted by a worker).
      if (options.failOn === 'broken' && options.flows === undefined) throw new UsageError('--fail-on broken needs --flows <file>: the observed traffic to replay.');
      const { changedManifestFolders, diffExitCode, diffJson, diffMarkdown, diffText, readGitRevision } = await import('./review');
      let oldSide: { objects: SourcedObject[]; notices: string[] };
      let newSide: { objects: SourcedObject[]; notices: string[] };
      // The new revision mostly repeats the old one: its unchanged documents are not parsed again.
      const reuse = new DocumentReuse();
      const { lintDiffOfObjects, startLintDiff } = await import('./lint-worker');
      let parallelLint: (() => Promise<LintDiff>) | undefined;
      if (options.git !== undefined) {
        const match = /^(.+?)\.\.(.+)$/.exec(options.git);
        if (!match) throw new UsageError(`--git ${options.git} is not <rev1>..<rev2>, e.g. origin/main..HEAD.`);
        const paths = [first, second].filter((p): p is string => p !== undefined);
        if (paths.length > 0) {
          oldSide = readGitRevision(match[1], paths, undefined, { reuse });
          reuse.nextRevision();
          newSide = readGitRevision(match[2], paths, undefined, { reuse });
        } else {
          // No paths: the folders of the manifests the change touches, with one summary notice.
          const folders = changedManifestFolders(match[1], match[2]);
          if (folders.length === 0) io.err(`netkit: notice: no Kubernetes manifest changed between ${match[1]} and ${match[2]}.\n`);
          oldSide = folders.length > 0 ? readGitRevision(match[1], folders, undefined, { summarize: true, reuse }) : { objects: [], notices: [] };
          reuse.nextRevision();
          newSide = folders.length > 0 ? readGitRevision(match[2], folders, undefined, { summarize: true, reuse }) : { objects: [], notices: [] };
        }
      } else {
        if (first === undefined || second === undefined) throw new UsageError('diff needs OLD and NEW (files or directories), or --git <rev1>..<rev2> [paths...].');
        // Large revisions are linted by a worker thread while this one reviews them.
        parallelLint = startLintDiff([first], [second], () => lintDiffOfObjects(oldSide.objects, newSide.objects));
        oldSide = read([first], io, false, reuse);
        reuse.nextRevision();
        newSide = read([second], io, false, reuse);
      }
      const fixtures = await fixturesFor(options.withCluster);
      const { NetworkModel } = await analyzer();
      const before = NetworkModel.fromSources([...fixtures, ...oldSide.objects], oldSide.notices.map((n) => `old: ${n}`), addressOptions(options));
      const after = NetworkModel.fromSources([...fixtures, ...newSide.objects], newSide.notices.map((n) => `new: ${n}`), addressOptions(options));
      for (const notice of [...before.notices, ...after.notices]) io.err(`netkit: notice: ${notice}\n`);
      const diff = NetworkModel.diff(before, after);
      const lint = parallelLint ? await parallelLint() : lintDiffOfObjects(oldSide.objects, newSide.objects);
      let flows: FlowChanges | undefined;
      if (options.flows !== undefined) {
        const { compareReplays } = await import('../analysis/queries/replay');
        const input = await readFlowInput(options.flows, io);
        flows = compareReplays(before, after, input);
        for (const m of input.malformed) io.err(`netkit: notice: ${options.flows}:${m.line}: skipped: ${m.reason}\n`);
      }
      if (options.format === 'json') io.out(`${JSON.stringify(diffJson(diff, lint, flows), null, 2)}\n`);
      else if (options.format === 'markdown') io.out(diffMarkdown(diff, lint, flows));
      else io.out(diffText(diff, lint, flows));
      setExit(diffExitCode(diff, lint, options.failOn, flows));
    });

  withModelOptions(program.command('replay'))
    .description('Judge observed traffic against manifests: each distinct flow allowed, denied or unmatched (with why). With --git A..B, the flows the change newly denies (breaks) and newly allows. Exit 0; 1 with --fail-on denied (or broken) when one is; 2: bad input.')
    .argument('<flows>', 'observed traffic: Hubble JSON lines (hubble observe -o json), netkit JSON lines or CSV (from,to,port,protocol[,count]); - for standard input')
    .argument('[paths...]', 'manifests: YAML or JSON files or directories (with --git: paths inside the repository)')
    .option('--git <rev1..rev2>', 'replay against both revisions from git and list what the change breaks and newly allows')
    .addOption(new Option('--format <f>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .addOption(new Option('--fail-on <what>', 'exit 1 when an observed flow is denied (denied), newly denied by the --git change (broken), or never').choices(['denied', 'broken', 'never']).default('never'))
    .action(async (flowsPath: string, paths: string[], options: { git?: string; format: string; failOn: 'denied' | 'broken' | 'never'; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const { replayFlows, compareReplays } = await import('../analysis/queries/replay');
      const { replayJson, replayMarkdown, replayText, flowChangesJson, flowChangesMarkdown, flowChangesText, flowChangesSummary } = await import('./replay');
      const { NetworkModel } = await analyzer();
      const input = await readFlowInput(flowsPath, io);
      const fixtures = await fixturesFor(options.withCluster);
      const modelOf = (side: { objects: SourcedObject[]; notices: string[] }, prefix = '') => {
        const model = NetworkModel.fromSources([...fixtures, ...side.objects], side.notices.map((n) => `${prefix}${n}`), addressOptions(options));
        for (const notice of model.notices) io.err(`netkit: notice: ${prefix}${notice}\n`);
        return model;
      };
      if (options.git !== undefined) {
        const match = /^(.+?)\.\.(.+)$/.exec(options.git);
        if (!match) throw new UsageError(`--git ${options.git} is not <rev1>..<rev2>, e.g. origin/main..HEAD.`);
        if (options.failOn === 'denied') throw new UsageError('--fail-on denied judges one revision; with --git use --fail-on broken.');
        const { changedManifestFolders, readGitRevision } = await import('./review');
        const folders = paths.length > 0 ? paths : changedManifestFolders(match[1], match[2]);
        const reuse = new DocumentReuse();
        const before = modelOf(folders.length > 0 ? readGitRevision(match[1], folders, undefined, { reuse }) : { objects: [], notices: [] }, 'old: ');
        reuse.nextRevision();
        const after = modelOf(folders.length > 0 ? readGitRevision(match[2], folders, undefined, { reuse }) : { objects: [], notices: [] }, 'new: ');
        const changes = compareReplays(before, after, input);
        if (options.format === 'json') io.out(`${JSON.stringify({ flows: flowChangesJson(changes), malformed: input.malformed, replies: input.replies }, null, 2)}\n`);
        else if (options.format === 'markdown') io.out(`**netkit replay ${options.git}**: ${flowChangesSummary(changes)}.\n\n${flowChangesMarkdown(changes).join('\n').trimEnd()}\n`);
        else io.out(`${[`${flowChangesSummary(changes)}.`, ...flowChangesText(changes)].join('\n')}\n`);
        setExit(options.failOn === 'broken' && changes.broken.length > 0 ? 1 : 0);
        return;
      }
      if (paths.length === 0) throw new UsageError('replay needs manifests to judge the flows against (files or directories), or --git <rev1>..<rev2>.');
      if (options.failOn === 'broken') throw new UsageError('--fail-on broken compares two revisions: give --git <rev1>..<rev2>.');
      const result = replayFlows(modelOf(read(paths, io)), input);
      if (options.format === 'json') io.out(`${JSON.stringify(replayJson(result), null, 2)}\n`);
      else if (options.format === 'markdown') io.out(replayMarkdown(result));
      else io.out(replayText(result));
      setExit(options.failOn === 'denied' && result.flows.some((f) => f.verdict === 'denied') ? 1 : 0);
    });

  withModelOptions(program.command('suggest'))
    .description('The least set of intents that allows exactly the observed flows the manifests deny today, as netkit TypeScript (connectTo, allowFrom, allowEgressTo), NetworkPolicy YAML or JSON.')
    .argument('<flows>', 'observed traffic: Hubble JSON lines, netkit JSON lines or CSV; - for standard input')
    .argument('[paths...]', 'manifests: YAML or JSON files or directories that declare the workloads')
    .addOption(new Option('--format <f>', 'output format').choices(['ts', 'yaml', 'json']).default('ts'))
    .addOption(new Option('--dialect <d>', 'write hosts by name (Hubble destination names) as Peer.fqdn: cilium (default: cilium when the manifests hold Cilium policies)').choices(['kubernetes', 'cilium']))
    .action(async (flowsPath: string, paths: string[], options: { format: 'ts' | 'yaml' | 'json'; dialect?: 'kubernetes' | 'cilium'; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      if (paths.length === 0) throw new UsageError('suggest needs the manifests that declare the workloads (files or directories): flows are matched to them.');
      const { suggestIntents } = await import('../analysis/queries/intents');
      const { suggestTypeScript } = await import('./replay');
      const { NetworkModel } = await analyzer();
      const input = await readFlowInput(flowsPath, io);
      const side = read(paths, io);
      const model = NetworkModel.fromSources([...(await fixturesFor(options.withCluster)), ...side.objects], side.notices, addressOptions(options));
      for (const notice of model.notices) io.err(`netkit: notice: ${notice}\n`);
      for (const m of input.malformed) io.err(`netkit: notice: ${flowsPath}:${m.line}: skipped: ${m.reason}\n`);
      const result = suggestIntents(model, input, options.dialect ? { dialect: options.dialect } : {});
      if (options.format === 'json') io.out(`${JSON.stringify({ intents: result.intents, policies: result.policies, notices: result.notices }, null, 2)}\n`);
      else if (options.format === 'yaml') {
        const { stringify } = await import('yaml');
        io.out(result.policies.map((p) => stringify(p)).join('---\n'));
        for (const notice of result.notices) io.err(`netkit: notice: ${notice}\n`);
      } else io.out(suggestTypeScript(result));
    });

  withModelOptions(program.command('exposure'))
    .description('What each workload is open to beyond the input: the internet (LoadBalancer/NodePort Services, Ingress and HTTPRoute paths, host ports), every namespace or namespaces created later, and its egress to the internet.')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .addOption(new Option('--format <f>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .addOption(new Option('--fail-on <what>', 'exit 1 when a workload not declared public is reachable from the internet').choices(['public', 'never']).default('never'))
    .action(async (paths: string[], options: { format: string; failOn: 'public' | 'never'; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const exposure = (await loadModel(paths, io, options.withCluster, addressOptions(options))).exposure();
      const { exposureMarkdown, exposureText } = await import('./review');
      if (options.format === 'json') io.out(`${JSON.stringify(exposure, null, 2)}\n`);
      else if (options.format === 'markdown') io.out(exposureMarkdown(exposure));
      else io.out(exposureText(exposure));
      setExit(options.failOn === 'public' && exposure.some((e) => e.public && !e.publicByDesign) ? 1 : 0);
    });

  withModelOptions(program.command('report'))
    .description('Write one self-contained HTML page (no network access when opened): the graph, the matrix, exposure and lint findings, filterable by namespace; with --diff, what the change widened and narrowed is coloured.')
    .argument('<paths...>', 'YAML or JSON files, directories, or - for standard input')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--diff <old>', 'a previous revision (file or directory) to compare with')
    .action(async (paths: string[], options: { output: string; diff?: string; withCluster?: boolean; podCidr?: string; nodeCidr?: string; cni?: 'cilium' | 'calico' | 'standard'; staged?: boolean }) => {
      const inputs = read(paths, io);
      const fixtures = await fixturesFor(options.withCluster);
      const { NetworkModel } = await analyzer();
      const { renderReport } = await import('./report');
      const model = NetworkModel.fromSources([...fixtures, ...inputs.objects], inputs.notices, addressOptions(options));
      for (const notice of model.notices) io.err(`netkit: notice: ${notice}\n`);
      let diff;
      if (options.diff !== undefined) {
        const old = read([options.diff], io);
        diff = NetworkModel.diff(NetworkModel.fromSources([...fixtures, ...old.objects], old.notices, addressOptions(options)), model);
      }
      const html = await renderReport({ model, findings: lintReport(inputs.objects).findings, diff, source: paths.join(' ') });
      try {
        writeFileSync(options.output, html);
      } catch (error) {
        throw new UsageError(`--output ${options.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      }
      io.err(`netkit: wrote ${options.output} (${(html.length / 1024).toFixed(0)} KiB)\n`);
    });

  return program;
}

/** Runs the CLI and resolves to its exit code; never throws for bad input. */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every usage mistake is 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    // A NetkitError is the library refusing a value given to it: the caller's mistake, not ours.
    if (error instanceof InputError || error instanceof UsageError || error instanceof NetkitError || error instanceof (await analyzer()).QueryError || error instanceof (await flowReader()).FlowFormatError) {
      io.err(`netkit: ${error.message}\n`);
      return 2;
    }
    io.err(`netkit: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
}
