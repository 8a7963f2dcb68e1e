/**
 * The precision corpus: public manifests netkit was not written against (test/lint/corpus,
 * sources and licences in SOURCES.md). Every finding each file gets is listed here, reviewed by
 * hand; a new finding, a lost one, or a changed severity fails, and so would a false error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NetworkModel, lintReport, loadYaml } from '../../lib';

const corpus = join(__dirname, 'corpus');

/** `severity rule Kind namespace/name`, for every finding, with the review of each. */
const EXPECTED: Record<string, string[]> = {
  // Release manifest of the ingress-nginx controller. No NetworkPolicy at all; the public
  // LoadBalancer is the product (a warning to acknowledge, not an error); /healthz is served on
  // 10254, which no container port declares (works; info); the certgen Jobs keep NET_RAW.
  'ingress-nginx-controller-v1.5.2.yaml': [
    'warning drop-net-raw-capability Job ingress-nginx/ingress-nginx-admission-create',
    'warning drop-net-raw-capability Job ingress-nginx/ingress-nginx-admission-patch',
    'warning loadbalancer-without-source-ranges Service ingress-nginx/ingress-nginx-controller',
    'warning namespace-without-default-deny Namespace ingress-nginx/ingress-nginx',
    'info probe-port-undeclared Deployment ingress-nginx/ingress-nginx-controller',
  ],
  // The StatefulSet tutorial: the governing Service zk-hs is headless (no finding), the exec
  // readiness and liveness probes are the same command (info, the documented pattern).
  'zookeeper.yaml': [
    'info identical-probes StatefulSet default/zk',
    'warning drop-net-raw-capability StatefulSet default/zk',
    'warning namespace-without-default-deny StatefulSet default/zk',
  ],
  // A demo with a NodePort frontend and no probes: every Service's pods get traffic unready.
  'guestbook-all-in-one.yaml': [
    'warning drop-net-raw-capability Deployment default/frontend',
    'warning drop-net-raw-capability Deployment default/redis-master',
    'warning drop-net-raw-capability Deployment default/redis-replica',
    'warning namespace-without-default-deny Deployment default/redis-master',
    'warning nodeport-exposure Service default/frontend',
    'warning readiness-probe-missing Deployment default/frontend',
    'warning readiness-probe-missing Deployment default/redis-master',
    'warning readiness-probe-missing Deployment default/redis-replica',
  ],
  // Each StatefulSet's serviceName (emoji, voting, web, vote-bot) names no Service: the Services
  // are emoji-svc, ... so no pod gets a per-pod DNS name (a real warning, not an error: they run).
  'emojivoto-statefulset.yml': [
    'warning drop-net-raw-capability StatefulSet emojivoto/emoji',
    'warning drop-net-raw-capability StatefulSet emojivoto/vote-bot',
    'warning drop-net-raw-capability StatefulSet emojivoto/voting',
    'warning drop-net-raw-capability StatefulSet emojivoto/web',
    'warning loadbalancer-without-source-ranges Service emojivoto/web-svc',
    'warning namespace-without-default-deny Namespace emojivoto/emojivoto',
    'warning readiness-probe-missing StatefulSet emojivoto/emoji',
    'warning readiness-probe-missing StatefulSet emojivoto/voting',
    'warning readiness-probe-missing StatefulSet emojivoto/web',
    'warning statefulset-service StatefulSet emojivoto/emoji',
    'warning statefulset-service StatefulSet emojivoto/vote-bot',
    'warning statefulset-service StatefulSet emojivoto/voting',
    'warning statefulset-service StatefulSet emojivoto/web',
  ],
};

const read = (file: string) => loadYaml(readFileSync(join(corpus, file), 'utf8'), file);

describe('precision corpus: public manifests, every finding reviewed', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(file, () => {
      const { findings } = lintReport(read(file).objects);
      const got = findings.map((f) => `${f.severity} ${f.rule} ${f.object.kind} ${f.object.namespace ?? f.object.name}/${f.object.name}`).sort();
      expect(got).toEqual([...expected].sort());
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }

  test('every workload name netkit prints for them is one reach accepts', () => {
    for (const file of Object.keys(EXPECTED)) {
      const model = NetworkModel.fromSources(read(file).objects);
      const printed = [...model.matrix().endpoints.filter((e) => e.includes('/')), ...model.exposure().map((e) => e.workload)];
      expect(printed.length).toBeGreaterThan(0);
      for (const ref of printed) expect(() => model.check({ from: ref, to: '203.0.113.7', port: 443 }), `${file}: ${ref}`).not.toThrow();
    }
  });
});
