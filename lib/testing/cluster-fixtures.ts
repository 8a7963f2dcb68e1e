// The fixtures live beside the analyzer (the CLI's --with-cluster uses them too).
export { ClusterFixtureOptions, clusterFixtures } from '../analysis/input/cluster-fixtures';
