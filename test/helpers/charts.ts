import { App, Chart, Yaml } from 'cdk8s';
import { wrap } from 'jest-snapshot-serializer-raw';
import { NetworkModel, clusterFixtures } from '../../lib';

/** A fresh app and chart, as a user's main.ts starts. */
export function newChart(id = 'test'): Chart {
  return new Chart(new App(), id);
}

/** The chart's YAML, as cdk8s synth writes it. */
export function yamlText(chart: Chart): string {
  return Yaml.stringify(...chart.toJson());
}

/** The chart's YAML wrapped for a raw snapshot. */
export function yamlSnapshot(chart: Chart): ReturnType<typeof wrap> {
  return wrap(yamlText(chart));
}

/** The chart's objects of one kind, by metadata.name. */
export function objectsOf(chart: Chart, kind: string): Record<string, any> {
  const result: Record<string, any> = {};
  for (const object of chart.toJson() as any[]) if (object.kind === kind) result[object.metadata.name] = object;
  return result;
}

/** The chart plus the cluster's own DNS, ingress controller and monitoring, for traffic tests. */
export function modelWithCluster(chart: Chart): NetworkModel {
  return NetworkModel.fromObjects([...chart.toJson(), ...clusterFixtures()]);
}
