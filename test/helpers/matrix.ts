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

/**
 * Every check between `endpoints` (pairs of two outside addresses excepted) agrees with a naive
 * evaluator's answer; a disagreement names the pair, the model's why and `context` (the policies).
 */
export function expectChecksAgreeWith<E>(model: NetworkModel, endpoints: readonly (readonly [string, E])[], isAddress: (end: E) => boolean, ports: readonly number[], protocols: readonly string[], naive: (from: E, to: E, port: number, protocol: string) => boolean, context: () => string): void {
  for (const [fromRef, from] of endpoints) {
    for (const [toRef, to] of endpoints) {
      if (isAddress(from) && isAddress(to)) continue;
      for (const port of ports) {
        for (const protocol of protocols) {
          const expected = naive(from, to, port, protocol);
          const actual = model.check({ from: fromRef, to: toRef, port, protocol });
          if (actual.allowed !== expected) throw new Error(`${fromRef} -> ${toRef} ${protocol} ${port}: model ${actual.allowed}, naive ${expected}\n${actual.why}\n${context()}`);
        }
      }
    }
  }
}
