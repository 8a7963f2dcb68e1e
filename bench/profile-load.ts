import { syntheticCluster } from './clusters';
import { NetworkModel } from '../lib';
const objects = syntheticCluster(5000);
NetworkModel.fromObjects(objects);
