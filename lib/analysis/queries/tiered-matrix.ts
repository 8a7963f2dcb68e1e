/**
 * The matrix when more than the NetworkPolicy union decides: cluster tiers (Admin/Baseline),
 * Calico's ordered tiers, Deny rules, or hosts named by FQDN. Each side goes through every
 * tier (CompiledModel.effectiveSidePorts), which is too slow to ask for each of the N² pairs
 * of a large cluster, so:
 * - a destination's ingress is asked only about the workloads it may admit at all
 *   (CompiledModel.sideCandidates: what its Allow and Pass rules name, when traffic no rule
 *   names ends in a Deny), and a source's egress only about the workloads it may reach;
 * - a side's answer toward a workload depends only on which of the side's rule sets hold it
 *   (CompiledModel.sideMatchSets) and, for egress, on the destination's declared ports: it is
 *   computed once per such mask and reused for every other peer with the same mask.
 * Outside endpoints are few, and are asked directly.
 */
import { CompiledModel, Endpoint } from '../model/compiled-model';
import { Bitset } from '../model/bitset';
import { PortSet } from '../model/port-set';
import type { Matrix, MatrixScope } from './matrix';
import { CellCollector } from './matrix-cells';

export function tieredMatrix(model: CompiledModel, endpoints: readonly Endpoint[], scope?: MatrixScope, lazyCells = false): Matrix {
  const workloadCount = model.workloads.length;
  const ingress = new SideAnswers(model, 'ingress');
  const egress = new SideAnswers(model, 'egress');
  const cells = new CellCollector(endpoints.length);
  endpoints.forEach((to, toIndex) => {
    const visit = (fromIndex: number) => {
      const from = endpoints[fromIndex];
      if (from.kind === 'external' && to.kind === 'external') return;
      if (from.kind === 'workload' && to.kind === 'workload' && !egress.mayAdmit(from.index, to.index)) return;
      const inSet = to.kind === 'workload' ? ingress.ports(to.index, from) : PortSet.ALL;
      if (inSet.isEmpty) return;
      const outSet = from.kind === 'workload' ? egress.ports(from.index, to) : PortSet.ALL;
      if (outSet.isEmpty) return;
      cells.add(fromIndex, toIndex, inSet, outSet);
    };
    if (scope && !scope.columns.has(toIndex) && scope.rows.length === 0) return;
    const admitted = to.kind === 'workload' ? ingress.candidates(to.index) : undefined;
    if (scope && !scope.columns.has(toIndex)) {
      for (const fromIndex of scope.rows) if (fromIndex >= workloadCount || !admitted || admitted.has(fromIndex)) visit(fromIndex);
      return;
    }
    if (admitted) for (const fromIndex of admitted) visit(fromIndex);
    else for (let fromIndex = 0; fromIndex < workloadCount; fromIndex++) visit(fromIndex);
    for (let fromIndex = workloadCount; fromIndex < endpoints.length; fromIndex++) visit(fromIndex);
  });
  return cells.matrix(endpoints.map((e) => model.label(e)), lazyCells);
}

/** One direction's answers for every workload as subject, cached per mask of matching rule sets. */
class SideAnswers {
  private readonly sets: ((Bitset | null)[] | undefined)[] = [];
  private readonly answers: (Map<number | string, PortSet> | undefined)[] = [];
  private readonly candidateSets: (Bitset | undefined | null)[] = [];
  /** Equal port sets as one object, so that intersections are cached by identity. */
  private readonly interned = new Map<string, PortSet>();
  /** Per workload, an id of its declared ports (named ports resolve on the destination). */
  private readonly portSignatures: Int32Array;

  constructor(private readonly model: CompiledModel, private readonly direction: 'ingress' | 'egress') {
    this.portSignatures = model.portSignatures;
  }

  /** The workloads the side may let through at all; `undefined`: any. */
  public candidates(self: number): Bitset | undefined {
    let found = this.candidateSets[self];
    if (found === undefined) {
      found = this.model.sideCandidates(this.direction, self) ?? null;
      this.candidateSets[self] = found;
    }
    return found ?? undefined;
  }

  /** Whether the side may let anything through toward (or from) workload `other`. */
  public mayAdmit(self: number, other: number): boolean {
    const found = this.candidates(self);
    return found === undefined || found.has(other);
  }

  /** The ports the side lets through toward (egress) or from (ingress) `other`. */
  public ports(self: number, other: Endpoint): PortSet {
    if (other.kind === 'external') return this.intern(this.model.effectiveSidePorts(this.direction, self, other));
    let sets = this.sets[self];
    if (!sets) { sets = this.model.sideMatchSets(this.direction, self); this.sets[self] = sets; }
    let key: number | string;
    if (sets.length <= 24) {
      let mask = 0;
      for (let k = 0; k < sets.length; k++) {
        const set = sets[k];
        if (set === null || set.has(other.index)) mask |= 1 << k;
      }
      key = this.direction === 'egress' ? this.portSignatures[other.index] * 16777216 + mask : mask;
    } else {
      key = `${this.direction === 'egress' ? this.portSignatures[other.index] : ''}:${sets.map((set) => (set === null || set.has(other.index) ? 1 : 0)).join('')}`;
    }
    let answers = this.answers[self];
    if (!answers) { answers = new Map(); this.answers[self] = answers; }
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = this.intern(this.model.effectiveSidePorts(this.direction, self, other));
      answers.set(key, answer);
    }
    return answer;
  }

  private intern(set: PortSet): PortSet {
    if (set.isEmpty) return PortSet.NONE;
    const text = set.toString();
    const known = this.interned.get(text);
    if (known) return known;
    this.interned.set(text, set);
    return set;
  }
}
