/**
 * Calico's selector language (reference/resources/networkpolicy "Selectors"):
 *   label == "v", label != "v", label in {"a", "b"}, label not in {...}, has(label), !has(label),
 *   label contains "s", label starts with "s", label ends with "s", all(), global(),
 *   !expr, expr && expr, expr || expr, ( expr ).
 * `!` binds tightest, then `&&`, then `||`. Strings take single or double quotes. `!=` and
 * `not in` hold for an endpoint without the label. An empty selector is `all()`.
 */
import { Labels } from '../../model/selectors';

/** A parsed selector. */
export type CalicoSelector =
  | {
    /** `all()`: every endpoint. */
    readonly op: 'all';
  }
  | {
    /** `global()`: endpoints outside every namespace. */
    readonly op: 'global';
  }
  | {
    /** `has(key)`. */
    readonly op: 'has';
    /** The label. */
    readonly key: string;
  }
  | {
    /** A comparison of one label's value. */
    readonly op: '==' | '!=' | 'contains' | 'starts with' | 'ends with';
    /** The label. */
    readonly key: string;
    /** The string compared with. */
    readonly value: string;
  }
  | {
    /** Set membership of one label's value. */
    readonly op: 'in' | 'not in';
    /** The label. */
    readonly key: string;
    /** The set. */
    readonly values: readonly string[];
  }
  | {
    /** Negation. */
    readonly op: '!';
    /** What is negated. */
    readonly operand: CalicoSelector;
  }
  | {
    /** Conjunction or disjunction. */
    readonly op: '&&' | '||';
    /** The left side. */
    readonly left: CalicoSelector;
    /** The right side. */
    readonly right: CalicoSelector;
  };

/** A selector Calico would refuse, with the 0-based column where parsing stopped. */
export class SelectorSyntaxError extends Error {
  /**
   * @param selector the selector as written
   * @param position the 0-based column where parsing stopped
   * @param problem what was wrong there
   */
  constructor(public readonly selector: string, public readonly position: number, public readonly problem: string) {
    super(`selector ${JSON.stringify(selector)}: ${problem} at column ${position + 1}`);
    this.name = 'SelectorSyntaxError';
  }
}

export const CALICO_ALL: CalicoSelector = { op: 'all' };

const LABEL = /[A-Za-z0-9_./-]/;

/** Parses a selector; throws {@link SelectorSyntaxError} with the position of the problem. */
export function parseCalicoSelector(text: string): CalicoSelector {
  if (text.trim() === '') return CALICO_ALL;
  const parser = new Parser(text);
  const result = parser.or();
  parser.skip();
  if (!parser.done) parser.fail(`unexpected ${JSON.stringify(text[parser.at])}`);
  return result;
}

class Parser {
  public at = 0;
  constructor(private readonly text: string) {}

  public get done(): boolean {
    return this.at >= this.text.length;
  }

  public fail(problem: string): never {
    throw new SelectorSyntaxError(this.text, Math.min(this.at, this.text.length), problem);
  }

  public skip(): void {
    while (!this.done && /\s/.test(this.text[this.at])) this.at++;
  }

  private eat(token: string): boolean {
    this.skip();
    if (this.text.startsWith(token, this.at)) {
      // Word operators must end at a word boundary (`in` is not the start of `index`).
      if (/^[a-z]/.test(token) && LABEL.test(this.text[this.at + token.length] ?? '')) return false;
      this.at += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected ${JSON.stringify(token)}`);
  }

  public or(): CalicoSelector {
    let left = this.and();
    while (this.eat('||')) left = { op: '||', left, right: this.and() };
    return left;
  }

  private and(): CalicoSelector {
    let left = this.unary();
    while (this.eat('&&')) left = { op: '&&', left, right: this.unary() };
    return left;
  }

  private unary(): CalicoSelector {
    this.skip();
    if (this.text[this.at] === '!' && this.text[this.at + 1] !== '=') {
      this.at++;
      return { op: '!', operand: this.unary() };
    }
    if (this.eat('(')) {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (this.eat('all')) return this.call({ op: 'all' });
    if (this.eat('global')) return this.call({ op: 'global' });
    const start = this.at;
    if (this.eat('has')) {
      this.skip();
      if (this.text[this.at] === '(') {
        this.at++;
        const key = this.label();
        this.expect(')');
        return { op: 'has', key };
      }
      this.at = start; // a label called "has..."
    }
    const key = this.label();
    if (this.eat('==')) return { op: '==', key, value: this.string() };
    if (this.eat('!=')) return { op: '!=', key, value: this.string() };
    if (this.eat('not')) {
      this.expect('in');
      return { op: 'not in', key, values: this.set() };
    }
    if (this.eat('in')) return { op: 'in', key, values: this.set() };
    if (this.eat('contains')) return { op: 'contains', key, value: this.string() };
    if (this.eat('starts')) {
      this.expect('with');
      return { op: 'starts with', key, value: this.string() };
    }
    if (this.eat('ends')) {
      this.expect('with');
      return { op: 'ends with', key, value: this.string() };
    }
    this.skip();
    return this.fail(this.done ? `expected an operator after label ${JSON.stringify(key)}, found the end` : `expected an operator (==, !=, in, not in, contains, starts with, ends with) after label ${JSON.stringify(key)}`);
  }

  private call(node: CalicoSelector): CalicoSelector {
    this.expect('(');
    this.expect(')');
    return node;
  }

  private label(): string {
    this.skip();
    const start = this.at;
    while (!this.done && LABEL.test(this.text[this.at])) this.at++;
    if (this.at === start) this.fail(this.done ? 'expected a label name, found the end' : `expected a label name, found ${JSON.stringify(this.text[this.at])}`);
    return this.text.slice(start, this.at);
  }

  private string(): string {
    this.skip();
    const quote = this.text[this.at];
    if (quote !== '"' && quote !== "'") this.fail('expected a quoted string');
    const end = this.text.indexOf(quote, this.at + 1);
    if (end < 0) this.fail('unterminated string');
    const value = this.text.slice(this.at + 1, end);
    this.at = end + 1;
    return value;
  }

  private set(): string[] {
    this.expect('{');
    const values: string[] = [];
    this.skip();
    if (this.eat('}')) return values;
    do values.push(this.string()); while (this.eat(','));
    this.expect('}');
    return values;
  }
}

/**
 * Whether a selector matches a label set. `global()` matches only endpoints outside every
 * namespace (GlobalNetworkSets, host endpoints): `isGlobal` says whether this one is.
 */
export function calicoSelectorMatches(selector: CalicoSelector, labels: Labels, isGlobal = false): boolean {
  switch (selector.op) {
    case 'all': return true;
    case 'global': return isGlobal;
    case 'has': return Object.prototype.hasOwnProperty.call(labels, selector.key);
    case '==': return own(labels, selector.key) === selector.value;
    case '!=': return own(labels, selector.key) !== selector.value;
    case 'in': return selector.values.includes(own(labels, selector.key) as string);
    case 'not in': { const v = own(labels, selector.key); return v === undefined || !selector.values.includes(v); }
    case 'contains': return own(labels, selector.key)?.includes(selector.value) ?? false;
    case 'starts with': return own(labels, selector.key)?.startsWith(selector.value) ?? false;
    case 'ends with': return own(labels, selector.key)?.endsWith(selector.value) ?? false;
    case '!': return !calicoSelectorMatches(selector.operand, labels, isGlobal);
    case '&&': return calicoSelectorMatches(selector.left, labels, isGlobal) && calicoSelectorMatches(selector.right, labels, isGlobal);
    case '||': return calicoSelectorMatches(selector.left, labels, isGlobal) || calicoSelectorMatches(selector.right, labels, isGlobal);
  }
}

function own(labels: Labels, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

/** A selector written back as text, for messages. */
export function formatCalicoSelector(selector: CalicoSelector): string {
  const quote = (v: string) => `'${v}'`;
  switch (selector.op) {
    case 'all': return 'all()';
    case 'global': return 'global()';
    case 'has': return `has(${selector.key})`;
    case 'in': case 'not in': return `${selector.key} ${selector.op} {${selector.values.map(quote).join(', ')}}`;
    case '!': return `!${selector.operand.op === '&&' || selector.operand.op === '||' ? `(${formatCalicoSelector(selector.operand)})` : formatCalicoSelector(selector.operand)}`;
    case '&&': case '||': {
      const side = (s: CalicoSelector) => (s.op === '||' && selector.op === '&&' ? `(${formatCalicoSelector(s)})` : formatCalicoSelector(s));
      return `${side(selector.left)} ${selector.op} ${side(selector.right)}`;
    }
    default: return `${selector.key} ${selector.op} ${quote(selector.value)}`;
  }
}

/** Whether the selector is `all()` (or empty). */
export function isCalicoAll(selector: CalicoSelector): boolean {
  return selector.op === 'all';
}
