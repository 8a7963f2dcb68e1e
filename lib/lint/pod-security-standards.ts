/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * every control of the baseline and restricted profiles, checked against a pod spec the way
 * Pod Security admission checks it, at the version a namespace pins with
 * `pod-security.kubernetes.io/enforce-version`. Each control cites its section of the page.
 */
import { Json, dig, records } from './context';
import { isRecord } from '../analysis/model/selectors';

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, capabilities dropped, seccomp. */
  RESTRICTED = 'restricted',
  /** Blocks known privilege escalations; allows the rest. */
  BASELINE = 'baseline',
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
}

/** One failed control. */
export interface PodSecurityViolation {
  /** The control's name on the Pod Security Standards page, e.g. "Host Namespaces". */
  readonly control: string;
  readonly profile: PodSecurityLevel.BASELINE | PodSecurityLevel.RESTRICTED;
  /** What fails, naming the field and container. */
  readonly detail: string;
}

/** A version as `[major, minor]`; `latest` is newer than any. */
const versions = new Map<string, [number, number]>();
function parseVersion(version: string): [number, number] {
  let parsed = versions.get(version);
  if (!parsed) {
    const match = /^v(\d+)\.(\d+)$/.exec(version);
    parsed = match ? [Number(match[1]), Number(match[2])] : [Number.MAX_SAFE_INTEGER, 0];
    if (versions.size < 100) versions.set(version, parsed);
  }
  return parsed;
}

const atLeast = (version: [number, number], major: number, minor: number) => version[0] > major || (version[0] === major && version[1] >= minor);

/** Baseline: Capabilities — the capabilities a container may add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Restricted: Volume Types — the only volume sources allowed. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Baseline: SELinux — the allowed types. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** Baseline: Sysctls — the safe set, by the version that allowed each. */
const safeSysctlsByVersion = new Map<string, Set<string>>();
function safeSysctls(version: [number, number]): Set<string> {
  const key = version.join('.');
  let safe = safeSysctlsByVersion.get(key);
  if (!safe) safeSysctlsByVersion.set(key, (safe = safeSysctlList(version)));
  return safe;
}

function safeSysctlList(version: [number, number]): Set<string> {
  const safe = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range'];
  if (atLeast(version, 1, 27)) safe.push('net.ipv4.ip_local_reserved_ports');
  if (atLeast(version, 1, 29)) safe.push('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes');
  return new Set(safe);
}

const CONTAINER_LISTS = [['containers', 'container'], ['initContainers', 'init container'], ['ephemeralContainers', 'ephemeral container']] as const;

/** Every container of the pod (init and ephemeral ones too), with where it is. */
function containersOf(podSpec: Json): { container: Json; where: string }[] {
  const found: { container: Json; where: string }[] = [];
  for (const [list, label] of CONTAINER_LISTS) {
    for (const container of records(podSpec, list)) found.push({ container, where: `${label} ${String(container.name ?? '?')}` });
  }
  return found;
}

/**
 * The controls of `profile` (and of baseline, which restricted includes) that the pod fails.
 * @param podMetadata the pod template's metadata (AppArmor is set by annotation in 1.28)
 */
export function podSecurityViolations(podSpec: Json, podMetadata: Json, profile: PodSecurityLevel, versionText = 'latest'): PodSecurityViolation[] {
  if (profile === PodSecurityLevel.PRIVILEGED) return [];
  const version = parseVersion(versionText);
  const found: PodSecurityViolation[] = [];
  const baseline = (control: string, detail: string) => found.push({ control, profile: PodSecurityLevel.BASELINE, detail });
  const restricted = (control: string, detail: string) => { if (profile === PodSecurityLevel.RESTRICTED) found.push({ control, profile: PodSecurityLevel.RESTRICTED, detail }); };
  const containers = containersOf(podSpec);
  const podContext = isRecord(podSpec.securityContext) ? podSpec.securityContext : {};

  // Baseline: HostProcess
  if (dig(podContext, 'windowsOptions', 'hostProcess') === true) baseline('HostProcess', 'securityContext.windowsOptions.hostProcess is true');
  for (const { container, where } of containers) {
    if (dig(container, 'securityContext', 'windowsOptions', 'hostProcess') === true) baseline('HostProcess', `${where} sets windowsOptions.hostProcess: true`);
  }
  // Baseline: Host Namespaces
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (podSpec[field] === true) baseline('Host Namespaces', `${field} is true`);
  // Baseline: Privileged Containers
  for (const { container, where } of containers) if (dig(container, 'securityContext', 'privileged') === true) baseline('Privileged Containers', `${where} is privileged`);
  // Baseline: Capabilities
  for (const { container, where } of containers) {
    const added = dig(container, 'securityContext', 'capabilities', 'add');
    const extra = (Array.isArray(added) ? added.map(String) : []).filter((c) => !BASELINE_CAPABILITIES.has(c));
    if (extra.length > 0) baseline('Capabilities', `${where} adds ${extra.join(', ')}`);
  }
  // Baseline: HostPath Volumes
  for (const volume of records(podSpec, 'volumes')) if (volume.hostPath !== undefined) baseline('HostPath Volumes', `volume ${String(volume.name)} is a hostPath`);
  // Baseline: Host Ports
  for (const { container, where } of containers) {
    for (const port of records(container, 'ports')) if (typeof port.hostPort === 'number' && port.hostPort !== 0) baseline('Host Ports', `${where} binds host port ${port.hostPort}`);
  }
  // Baseline: AppArmor (annotations in 1.28; the profile must be runtime/default or localhost/*)
  const annotations = isRecord(podMetadata.annotations) ? podMetadata.annotations : {};
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith('container.apparmor.security.beta.kubernetes.io/')) continue;
    const value = String(annotations[key]);
    if (value !== 'runtime/default' && !value.startsWith('localhost/')) baseline('AppArmor', `annotation ${key} is "${value}"`);
  }
  // Baseline: SELinux
  const seLinux = (options: unknown, where: string) => {
    if (!isRecord(options)) return;
    if (options.type !== undefined && !SELINUX_TYPES.has(String(options.type))) baseline('SELinux', `${where} seLinuxOptions.type is "${String(options.type)}"`);
    for (const field of ['user', 'role']) if (options[field] !== undefined && options[field] !== '') baseline('SELinux', `${where} sets seLinuxOptions.${field}`);
  };
  seLinux(podContext.seLinuxOptions, 'the pod');
  for (const { container, where } of containers) seLinux(dig(container, 'securityContext', 'seLinuxOptions'), where);
  // Baseline: /proc Mount Type
  for (const { container, where } of containers) {
    const procMount = dig(container, 'securityContext', 'procMount');
    if (procMount !== undefined && procMount !== 'Default') baseline('/proc Mount Type', `${where} sets procMount ${String(procMount)}`);
  }
  // Baseline: Seccomp (Unconfined is refused)
  if (dig(podContext, 'seccompProfile', 'type') === 'Unconfined') baseline('Seccomp', 'the pod sets seccompProfile Unconfined');
  for (const { container, where } of containers) if (dig(container, 'securityContext', 'seccompProfile', 'type') === 'Unconfined') baseline('Seccomp', `${where} sets seccompProfile Unconfined`);
  // Baseline: Sysctls
  const safe = safeSysctls(version);
  for (const sysctl of records(podContext, 'sysctls')) {
    const name = String(sysctl.name ?? '').replace(/\//g, '.');
    if (!safe.has(name)) baseline('Sysctls', `sysctl ${name} is not in the safe set`);
  }

  // Windows pods are exempt from the Linux-only restricted controls (v1.25+: spec.os.name).
  const windows = atLeast(version, 1, 25) && dig(podSpec, 'os', 'name') === 'windows';
  // Restricted: Volume Types
  for (const volume of records(podSpec, 'volumes')) {
    const source = Object.keys(volume).find((k) => k !== 'name');
    if (source !== undefined && !RESTRICTED_VOLUMES.has(source)) restricted('Volume Types', `volume ${String(volume.name)} is of type ${source}`);
  }
  // Restricted: Privilege Escalation
  for (const { container, where } of windows ? [] : containers) {
    if (dig(container, 'securityContext', 'allowPrivilegeEscalation') !== false) restricted('Privilege Escalation', `${where} does not set allowPrivilegeEscalation: false`);
  }
  // Restricted: Running as Non-root (pod-level true covers containers that leave it unset)
  const podNonRoot = podContext.runAsNonRoot === true;
  for (const { container, where } of containers) {
    const own = dig(container, 'securityContext', 'runAsNonRoot');
    if (own === false || (own === undefined && !podNonRoot)) restricted('Running as Non-root', `${where} may run as root (runAsNonRoot is not true)`);
  }
  // Restricted: Running as Non-root user (v1.23+)
  if (atLeast(version, 1, 23)) {
    if (podContext.runAsUser === 0) restricted('Running as Non-root user', 'the pod sets runAsUser: 0');
    for (const { container, where } of containers) if (dig(container, 'securityContext', 'runAsUser') === 0) restricted('Running as Non-root user', `${where} sets runAsUser: 0`);
  }
  // Restricted: Seccomp (v1.19+): RuntimeDefault or Localhost, at pod level or on every container
  if (atLeast(version, 1, 19) && !windows) {
    const allowed = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
    const podType = dig(podContext, 'seccompProfile', 'type');
    for (const { container, where } of containers) {
      const own = dig(container, 'securityContext', 'seccompProfile', 'type');
      if (!(own === undefined ? allowed(podType) : allowed(own))) restricted('Seccomp', `${where} has no RuntimeDefault or Localhost seccomp profile`);
    }
  }
  // Restricted: Capabilities (v1.22+): drop ALL, add nothing but NET_BIND_SERVICE
  if (atLeast(version, 1, 22) && !windows) {
    for (const { container, where } of containers) {
      const drop = dig(container, 'securityContext', 'capabilities', 'drop');
      if (!(Array.isArray(drop) && drop.map(String).includes('ALL'))) restricted('Capabilities', `${where} does not drop ALL capabilities`);
      const added = dig(container, 'securityContext', 'capabilities', 'add');
      const extra = (Array.isArray(added) ? added.map(String) : []).filter((c) => c !== 'NET_BIND_SERVICE');
      if (extra.length > 0) restricted('Capabilities', `${where} adds ${extra.join(', ')} (restricted allows NET_BIND_SERVICE only)`);
    }
  }
  return found;
}
