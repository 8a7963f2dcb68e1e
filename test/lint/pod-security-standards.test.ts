/**
 * Every control of the Pod Security Standards' baseline and restricted profiles, each with a
 * failing and a passing pod, written from https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 */
import { describe, expect, test } from 'vitest';
import { lint } from '../../lib';
import { PodSecurityLevel, podSecurityViolations } from '../../lib/lint/pod-security-standards';

type Obj = Record<string, any>;

/** A pod that passes restricted: the base every case changes one thing of. */
function passingPod(): { spec: Obj; metadata: Obj } {
  return {
    metadata: { labels: { app: 'x' } },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app', image: 'x:1',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

const container = (pod: { spec: Obj }) => pod.spec.containers[0];
const controls = (pod: { spec: Obj; metadata: Obj }, profile: PodSecurityLevel, version = 'v1.28') =>
  podSecurityViolations(pod.spec, pod.metadata, profile, version).map((v) => v.control);

/** [control, profile, breaks the pod, a passing variant of the same field] */
const cases: [string, PodSecurityLevel, (pod: { spec: Obj; metadata: Obj }) => void, (pod: { spec: Obj; metadata: Obj }) => void][] = [
  ['HostProcess', PodSecurityLevel.BASELINE, (p) => { p.spec.securityContext.windowsOptions = { hostProcess: true }; }, (p) => { p.spec.securityContext.windowsOptions = { hostProcess: false }; }],
  ['Host Namespaces', PodSecurityLevel.BASELINE, (p) => { p.spec.hostPID = true; }, (p) => { p.spec.hostPID = false; }],
  ['Privileged Containers', PodSecurityLevel.BASELINE, (p) => { container(p).securityContext.privileged = true; }, (p) => { container(p).securityContext.privileged = false; }],
  ['Capabilities', PodSecurityLevel.BASELINE, (p) => { container(p).securityContext.capabilities = { add: ['SYS_ADMIN'] }; }, (p) => { container(p).securityContext.capabilities = { add: ['CHOWN'] }; }],
  ['HostPath Volumes', PodSecurityLevel.BASELINE, (p) => { p.spec.volumes.push({ name: 'h', hostPath: { path: '/etc' } }); }, (p) => { p.spec.volumes.push({ name: 'c', configMap: { name: 'c' } }); }],
  ['Host Ports', PodSecurityLevel.BASELINE, (p) => { container(p).ports = [{ containerPort: 80, hostPort: 80 }]; }, (p) => { container(p).ports = [{ containerPort: 80, hostPort: 0 }]; }],
  ['AppArmor', PodSecurityLevel.BASELINE, (p) => { p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; }, (p) => { p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }; }],
  ['SELinux', PodSecurityLevel.BASELINE, (p) => { p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; }, (p) => { p.spec.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; }],
  ['/proc Mount Type', PodSecurityLevel.BASELINE, (p) => { container(p).securityContext.procMount = 'Unmasked'; }, (p) => { container(p).securityContext.procMount = 'Default'; }],
  ['Seccomp', PodSecurityLevel.BASELINE, (p) => { container(p).securityContext.seccompProfile = { type: 'Unconfined' }; }, (p) => { container(p).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }; }],
  ['Sysctls', PodSecurityLevel.BASELINE, (p) => { p.spec.securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }]; }, (p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]; }],
  ['Volume Types', PodSecurityLevel.RESTRICTED, (p) => { p.spec.volumes.push({ name: 'n', nfs: { server: 'nfs', path: '/' } }); }, (p) => { p.spec.volumes.push({ name: 'pvc', persistentVolumeClaim: { claimName: 'data' } }); }],
  ['Privilege Escalation', PodSecurityLevel.RESTRICTED, (p) => { delete container(p).securityContext.allowPrivilegeEscalation; }, (p) => { container(p).securityContext.allowPrivilegeEscalation = false; }],
  ['Running as Non-root', PodSecurityLevel.RESTRICTED, (p) => { delete p.spec.securityContext.runAsNonRoot; }, (p) => { delete p.spec.securityContext.runAsNonRoot; container(p).securityContext.runAsNonRoot = true; }],
  ['Running as Non-root user', PodSecurityLevel.RESTRICTED, (p) => { container(p).securityContext.runAsUser = 0; }, (p) => { container(p).securityContext.runAsUser = 1000; }],
  ['Seccomp', PodSecurityLevel.RESTRICTED, (p) => { delete p.spec.securityContext.seccompProfile; }, (p) => { delete p.spec.securityContext.seccompProfile; container(p).securityContext.seccompProfile = { type: 'RuntimeDefault' }; }],
  ['Capabilities', PodSecurityLevel.RESTRICTED, (p) => { container(p).securityContext.capabilities = { drop: ['ALL'], add: ['CHOWN'] }; }, (p) => { container(p).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }; }],
];

describe('Pod Security Standards, control by control', () => {
  test('the base pod passes restricted and baseline', () => {
    expect(controls(passingPod(), PodSecurityLevel.RESTRICTED)).toEqual([]);
    expect(controls(passingPod(), PodSecurityLevel.BASELINE)).toEqual([]);
  });

  test.each(cases)('%s (%s): fails when broken, passes when set right', (control, profile, breakIt, fixIt) => {
    const broken = passingPod();
    breakIt(broken);
    expect(controls(broken, profile)).toContain(control);
    const fixed = passingPod();
    fixIt(fixed);
    expect(controls(fixed, profile)).toEqual([]);
  });

  test('baseline does not check restricted controls; privileged checks nothing', () => {
    const pod = passingPod();
    delete container(pod).securityContext.allowPrivilegeEscalation;
    container(pod).securityContext.runAsUser = 0;
    expect(controls(pod, PodSecurityLevel.BASELINE)).toEqual([]);
    pod.spec.hostNetwork = true;
    expect(controls(pod, PodSecurityLevel.PRIVILEGED)).toEqual([]);
  });

  test('the pinned version decides: a sysctl allowed from v1.29, capabilities required from v1.22', () => {
    const pod = passingPod();
    pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }];
    expect(controls(pod, PodSecurityLevel.BASELINE, 'v1.28')).toEqual(['Sysctls']);
    expect(controls(pod, PodSecurityLevel.BASELINE, 'v1.29')).toEqual([]);
    const old = passingPod();
    delete container(old).securityContext.capabilities;
    expect(controls(old, PodSecurityLevel.RESTRICTED, 'v1.21')).toEqual([]);
    expect(controls(old, PodSecurityLevel.RESTRICTED, 'v1.28')).toEqual(['Capabilities']);
  });

  test('init and ephemeral containers are checked too', () => {
    const pod = passingPod();
    pod.spec.initContainers = [{ name: 'init', image: 'x:1', securityContext: { privileged: true } }];
    expect(podSecurityViolations(pod.spec, pod.metadata, PodSecurityLevel.BASELINE).map((v) => v.detail)).toEqual(['init container init is privileged']);
  });
});

describe('pod-security-violation', () => {
  const namespace = (level: string, version?: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': level, ...(version ? { 'pod-security.kubernetes.io/enforce-version': version } : {}) } } });
  const deployment = (pod: { spec: Obj; metadata: Obj }) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' }, spec: { selector: { matchLabels: { app: 'x' } }, template: pod } });

  test("judges a pod against its namespace's enforced level, naming every failed control", () => {
    const pod = passingPod();
    pod.spec.hostNetwork = true;
    container(pod).securityContext.runAsUser = 0;
    const [finding] = lint([namespace('restricted', 'v1.28'), deployment(pod)]).filter((f) => f.rule === 'pod-security-violation');
    expect(finding.message).toBe('its pods fail Pod Security "restricted" (v1.28), which namespace a enforces, so the API server refuses them: Host Namespaces: hostNetwork is true; Running as Non-root user: container app sets runAsUser: 0');
  });

  test('is silent without the Namespace in the input, and for a privileged namespace', () => {
    const pod = passingPod();
    pod.spec.hostNetwork = true;
    expect(lint([deployment(pod)]).filter((f) => f.rule === 'pod-security-violation')).toEqual([]);
    expect(lint([namespace('privileged'), deployment(pod)]).filter((f) => f.rule === 'pod-security-violation')).toEqual([]);
  });
});
