/** Tiny builders for plain Kubernetes objects, so analyzer tests read like the API reference. */

export type Obj = Record<string, any>;

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostNetwork?: boolean;
  kind?: 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';
}

/** A workload `ns/name` whose pods carry `labels`. */
export function workload(ns: string | undefined, name: string, labels: Record<string, string>, options: PodOptions = {}): Obj {
  const podSpec = { hostNetwork: options.hostNetwork, containers: [{ name: 'main', image: 'x:1', ports: options.ports ?? [] }] };
  const metadata = ns === undefined ? { name } : { name, namespace: ns };
  const kind = options.kind ?? 'Deployment';
  const template = { metadata: { labels }, spec: podSpec };
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec: podSpec };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    default: return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
  }
}

export function policy(ns: string, name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}
