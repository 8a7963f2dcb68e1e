import { closestMatches } from '../../analysis/queries/suggest';
import { Json, LintContext, dig } from '../context';
import { CorefileDirective, CorefileSyntaxError, parseCorefile, parseDirectives, parseServerKey } from '../../dns/corefile';
import { LintRule, RawFinding, Severity } from '../types';

/** CoreDNS's in-tree plugins (plugin.cfg of CoreDNS 1.11/1.12), plus `import`. */
const KNOWN_PLUGINS = new Set([
  'acl', 'any', 'auto', 'autopath', 'azure', 'bind', 'bufsize', 'cache', 'cancel', 'chaos', 'clouddns', 'debug', 'dns64',
  'dnssec', 'dnstap', 'erratic', 'errors', 'etcd', 'file', 'forward', 'geoip', 'grpc', 'grpc_server', 'header', 'health',
  'hosts', 'https', 'import', 'k8s_external', 'kubernetes', 'loadbalance', 'local', 'log', 'loop', 'metadata', 'minimal',
  'multisocket', 'nomad', 'nsid', 'on', 'pprof', 'prometheus', 'quic', 'ready', 'reload', 'rewrite', 'root', 'route53',
  'secondary', 'sign', 'template', 'timeouts', 'tls', 'trace', 'transfer', 'tsig', 'view', 'whoami',
]);

/**
 * Which CoreDNS a Corefile configures: the cluster's (the coredns ConfigMap with coredns-custom's
 * additions, one server) or NodeLocal DNSCache's (the node-local-dns ConfigMap, a CoreDNS of its
 * own on every node, with no kubernetes plugin and only a health endpoint).
 */
type DnsServer = 'cluster' | 'node-local';

/** One server block read from any CoreDNS ConfigMap in the input. */
interface ServerBlock {
  readonly server: DnsServer;
  readonly object: Json;
  /** `Corefile`, `custom.server`, ... */
  readonly file: string;
  readonly line: number;
  readonly keys: readonly string[];
  readonly directives: readonly CorefileDirective[];
}

/** Everything the Corefile rules read, parsed once per lint run. */
interface CorefileInput {
  readonly errors: { object: Json; file: string; error: CorefileSyntaxError }[];
  readonly blocks: ServerBlock[];
  /** Directives imported into the main block (`*.override` of coredns-custom). */
  readonly overrides: { object: Json; file: string; directives: CorefileDirective[] }[];
  /** Whether a full Corefile (not only coredns-custom additions) is in the input. */
  hasMainCorefile: boolean;
}

const parsed = new WeakMap<LintContext, CorefileInput>();

/** The `coredns` ConfigMap's Corefile, `coredns-custom`'s import files and `node-local-dns`'s Corefile, parsed. */
function corefiles(context: LintContext): CorefileInput {
  const cached = parsed.get(context);
  if (cached) return cached;
  const input: CorefileInput = { errors: [], blocks: [], overrides: [], hasMainCorefile: false };
  for (const object of context.ofKind('ConfigMap')) {
    const name = String(dig(object, 'metadata', 'name') ?? '');
    const data = dig(object, 'data');
    if (!['coredns', 'coredns-custom', 'node-local-dns'].includes(name) || typeof data !== 'object' || data === null) continue;
    const server: DnsServer = name === 'node-local-dns' ? 'node-local' : 'cluster';
    for (const [file, text] of Object.entries(data as Record<string, unknown>)) {
      if (typeof text !== 'string') continue;
      if (server === 'cluster' && file.endsWith('.override')) {
        const { directives, errors } = parseDirectives(text);
        input.errors.push(...errors.map((error) => ({ object, file, error })));
        input.overrides.push({ object, file, directives });
        continue;
      }
      // node-cache reads only `Corefile` (its __PILLAR__ placeholders are plain words to the
      // parser); the cluster's CoreDNS reads coredns's `Corefile` and coredns-custom's `*.server`.
      const isMain = name === 'coredns' && file === 'Corefile';
      if (server === 'node-local' ? file !== 'Corefile' : !(isMain || file.endsWith('.server'))) continue;
      if (isMain) input.hasMainCorefile = true;
      const { corefile, errors } = parseCorefile(text);
      input.errors.push(...errors.map((error) => ({ object, file, error })));
      for (const entry of corefile.entries) {
        if (entry.kind === 'server') input.blocks.push({ server, object, file, line: entry.line ?? 1, keys: entry.keys, directives: entry.directives });
      }
    }
  }
  parsed.set(context, input);
  return input;
}

const at = (block: { file: string }, line: number) => `${block.file} line ${line}`;

const has = (block: ServerBlock, name: string) => block.directives.some((d) => d.name === name);
const blockName = (block: ServerBlock) => block.keys.join(' ');
const DOCS = 'https://coredns.io/manual/configuration/';
/** Server blocks that forward but lack a plugin every forwarding block needs. */
const forwardingWithout = (context: LintContext, plugin: string) => corefiles(context).blocks.filter((b) => has(b, 'forward') && !has(b, plugin));

export const corefileSyntax: LintRule = {
  id: 'corefile-syntax',
  severity: Severity.ERROR,
  description: 'A CoreDNS Corefile (the coredns ConfigMap, coredns-custom\'s *.server/*.override, or node-local-dns\'s Corefile) CoreDNS cannot read: unbalanced braces, an unclosed quote, a server key that is not a zone and port. CoreDNS then fails to start, or keeps the old config on reload.',
  docs: DOCS,
  *check(context) {
    const input = corefiles(context);
    for (const { object, file, error } of input.errors) {
      yield { object, message: `${at({ file }, error.line)}: ${error.message}`, fix: 'Fix the Corefile syntax (CoreDNSConfig writes it for you).' };
    }
    for (const block of input.blocks) {
      for (const key of block.keys) {
        const parsedKey = parseServerKey(key);
        if (typeof parsedKey === 'string') yield { object: block.object, message: `${at(block, block.line)}: server key "${key}": ${parsedKey}`, fix: 'Write a zone and an optional port, such as corp.example:53.' };
      }
    }
  },
};

export const corefileDuplicateZone: LintRule = {
  id: 'corefile-duplicate-zone',
  severity: Severity.ERROR,
  description: 'Two server blocks for the same zone and port (in one Corefile, across coredns and coredns-custom, or in node-local-dns\'s Corefile): CoreDNS refuses to start.',
  docs: DOCS,
  *check(context) {
    // The cluster's CoreDNS and each node-local-dns ConfigMap are separate servers.
    const servers = new Map<unknown, Map<string, ServerBlock>>();
    for (const block of corefiles(context).blocks) {
      const server = block.server === 'cluster' ? 'cluster' : block.object;
      if (!servers.has(server)) servers.set(server, new Map());
      const seen = servers.get(server)!;
      for (const key of block.keys) {
        const parsedKey = parseServerKey(key);
        if (typeof parsedKey === 'string') continue;
        const id = `${parsedKey.scheme}://${parsedKey.zone}:${parsedKey.port}`;
        const first = seen.get(id);
        if (first && first !== block) {
          yield { object: block.object, message: `${at(block, block.line)}: zone ${parsedKey.zone} on port ${parsedKey.port} is also served by the block at ${at(first, first.line)}; CoreDNS refuses duplicate zones`, fix: 'Merge the two blocks into one.' };
        } else if (!first) {
          seen.set(id, block);
        }
      }
    }
  },
};

export const corefileNoKubernetes: LintRule = {
  id: 'corefile-no-kubernetes',
  severity: Severity.ERROR,
  description: 'A full Corefile with no kubernetes plugin: Service and Pod names (*.svc.cluster.local) are never answered from the cluster, so in-cluster DNS fails.',
  docs: 'https://coredns.io/plugins/kubernetes/',
  *check(context) {
    const input = corefiles(context);
    const cluster = input.blocks.filter((b) => b.server === 'cluster');
    if (!input.hasMainCorefile || cluster.some((b) => has(b, 'kubernetes'))) return;
    const main = cluster.find((b) => b.file === 'Corefile');
    if (main) yield { object: main.object, message: `${at(main, main.line)}: no server block has the kubernetes plugin, so no Service or Pod name of the cluster resolves`, fix: 'Add "kubernetes cluster.local in-addr.arpa ip6.arpa { fallthrough in-addr.arpa ip6.arpa }" to the .:53 block.' };
  },
};

export const corefileForwardWithoutLoop: LintRule = {
  id: 'corefile-forward-without-loop',
  severity: Severity.ERROR,
  description: 'A server block that forwards without the loop plugin: an upstream pointing back at CoreDNS (a node resolv.conf with 127.0.0.53) loops queries until CoreDNS runs out of memory, taking cluster DNS down.',
  docs: 'https://coredns.io/plugins/loop/',
  *check(context) {
    for (const block of forwardingWithout(context, 'loop')) {
      yield { object: block.object, message: `${at(block, block.line)}: ${blockName(block)} forwards but has no loop plugin`, fix: 'Add "loop" to the block: it detects a forwarding loop at start and stops CoreDNS with a clear error.' };
    }
  },
};

export const corefileMissingProbes: LintRule = {
  id: 'corefile-missing-ready-health',
  severity: Severity.WARNING,
  description: 'The Corefile\'s main block lacks ready or health: the CoreDNS Deployment\'s readiness (:8181/ready) and liveness (:8080/health) probes then fail, and pods never become ready or restart in a loop.',
  docs: 'https://coredns.io/plugins/ready/',
  *check(context) {
    const cluster = corefiles(context).blocks.filter((b) => b.server === 'cluster');
    const main = cluster.find((b) => b.file === 'Corefile' && has(b, 'kubernetes'));
    if (!main) return;
    const missing = ['ready', 'health'].filter((p) => !cluster.some((b) => has(b, p)));
    if (missing.length > 0) {
      yield { object: main.object, message: `${at(main, main.line)}: no ${missing.join(' or ')} plugin, which the CoreDNS Deployment's probes call`, fix: `Add ${missing.map((m) => (m === 'health' ? '"health { lameduck 5s }"' : '"ready"')).join(' and ')} to the ${blockName(main)} block.` };
    }
  },
};

export const corefileNoCache: LintRule = {
  id: 'corefile-no-cache',
  severity: Severity.WARNING,
  description: 'A server block that forwards with no cache: every lookup of an outside name (and every ndots:5 search-path miss) goes upstream, adding latency and load, and an upstream outage fails every lookup at once.',
  docs: 'https://coredns.io/plugins/cache/',
  *check(context) {
    for (const block of forwardingWithout(context, 'cache')) {
      yield { object: block.object, message: `${at(block, block.line)}: ${blockName(block)} forwards with no cache`, fix: 'Add "cache 30" (the upstream default); with many pods, also lower ndots in pod dnsConfig or use NodeLocal DNSCache so misses stay on the node.' };
    }
  },
};

export const corefilePodsInsecure: LintRule = {
  id: 'corefile-pods-insecure',
  severity: Severity.INFO,
  description: 'kubernetes { pods insecure }: answers 1-2-3-4.<ns>.pod.<domain> for any address without checking a pod has it (kube-dns compatibility), so a name can claim an address in any namespace.',
  docs: 'https://coredns.io/plugins/kubernetes/',
  *check(context) {
    for (const block of corefiles(context).blocks) {
      for (const directive of block.directives) {
        const pods = directive.name === 'kubernetes' ? directive.block?.find((d) => d.name === 'pods') : undefined;
        if (pods?.args[0] === 'insecure') yield { object: block.object, message: `${at(block, pods.line ?? block.line)}: the kubernetes plugin answers pod records in insecure mode`, fix: 'Use "pods verified" (answers only for real pod addresses) or "pods disabled" (or no pods line) unless something still needs kube-dns behaviour.' };
      }
    }
  },
};

export const corefileUnknownPlugin: LintRule = {
  id: 'corefile-unknown-plugin',
  severity: Severity.WARNING,
  description: 'A directive that is not a CoreDNS plugin (a typo, or an external plugin the image lacks): CoreDNS refuses to start with "unknown directive".',
  docs: 'https://coredns.io/plugins/',
  *check(context) {
    const input = corefiles(context);
    const report = (object: Json, file: string, directive: CorefileDirective): RawFinding => ({
      object,
      message: `${at({ file }, directive.line ?? 1)}: "${directive.name}" is not a CoreDNS plugin`,
      fix: `Check the spelling against coredns.io/plugins${nearest(directive.name)}; an external plugin needs a CoreDNS image built with it.`,
    });
    for (const block of input.blocks) {
      for (const d of block.directives) if (!KNOWN_PLUGINS.has(d.name)) yield report(block.object, block.file, d);
    }
    for (const override of input.overrides) {
      for (const d of override.directives) if (!KNOWN_PLUGINS.has(d.name)) yield report(override.object, override.file, d);
    }
  },
};

/** ` (did you mean "cache"?)` for a near miss. */
function nearest(name: string): string {
  const [best] = closestMatches(name, [...KNOWN_PLUGINS], 1);
  return best ? ` (did you mean "${best}"?)` : '';
}
