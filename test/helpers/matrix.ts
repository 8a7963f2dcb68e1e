import { NetworkModel, PortSet } from '../../lib';

/**
 * The matrix (port sets) agrees with single checks for every pair of `refs` (both outside
 * addresses excepted), port and protocol: the two evaluation paths of the model, compared.
 */
export function expectMatrixAgreesWithChecks(model: NetworkModel, refs: readonly string[], addresses: readonly string[], ports: readonly number[], protocols: readonly string[]): void {
  const cells = new Map(model.matrix({ externalEndpoints: [...addresses] }).cells.map((c) => [`${c.from}|${c.to}`, c.ports]));
  for (const from of refs) {
    for (const to of refs) {
      if (addresses.includes(from) && addresses.includes(to)) continue;
      const cell = PortSet.parse(cells.get(`${from}|${to}`) ?? '');
      for (const port of ports) {
        for (const protocol of protocols) {
          const allowed = model.check({ from, to, port, protocol }).allowed;
          if (allowed !== cell.has(protocol as 'TCP', port)) throw new Error(`matrix ${cell.toString()} for ${from} -> ${to}, check ${allowed} on ${protocol} ${port}`);
        }
      }
    }
  }
}
