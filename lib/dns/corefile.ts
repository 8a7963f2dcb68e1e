/**
 * The Corefile syntax (CoreDNS reads it with Caddy's v1 lexer): server blocks
 * (`zone[:port] ... {`), snippets (`(name) {`), top-level `import`, and inside each block
 * directives with arguments and optional nested blocks. Tokens are separated by whitespace; a
 * token is quoted with `"` (and `\"` inside); `#` at the start of a token comments out the rest
 * of the line; `{` and `}` are braces only as whole tokens, so environment substitutions
 * (`{$VAR}`, `{%VAR%}`) stay arguments, as CoreDNS leaves them until it reads them.
 */

/** One directive: a plugin (or a plugin's property) with arguments and an optional block. */
export interface CorefileDirective {
  /** The plugin or directive name, e.g. `forward`. */
  readonly name: string;
  /** Its arguments on the same line, unquoted. */
  readonly args: readonly string[];
  /** Nested directives between `{` and `}`. @default - no block */
  readonly block?: readonly CorefileDirective[];
  /** The 1-based line it starts on, when parsed. @default - not parsed from text */
  readonly line?: number;
}

/** What {@link parseCorefile} returns: the Corefile as far as it could be read, and every syntax error. */
export interface ParsedCorefile {
  /** The entries read. */
  readonly corefile: Corefile;
  /** Syntax errors, with lines; empty when the text is a valid Corefile. */
  readonly errors: CorefileSyntaxError[];
}

/** What {@link parseDirectives} returns. */
export interface ParsedDirectives {
  /** The directives read. */
  readonly directives: CorefileDirective[];
  /** Syntax errors, with lines relative to the text given. */
  readonly errors: CorefileSyntaxError[];
}

/** A top-level entry of a Corefile. */
export type CorefileEntry =
  | {
    /** A server block: zones and port it answers for, and its plugins. */
    readonly kind: 'server';
    /** The server block's keys, e.g. `.:53` or `corp.example:53`. */
    readonly keys: readonly string[];
    /** The plugins in the block. */
    readonly directives: readonly CorefileDirective[];
    /** The 1-based line it starts on, when parsed. @default - not parsed from text */
    readonly line?: number;
  }
  | {
    /** A reusable snippet, `(name) { ... }`. */
    readonly kind: 'snippet';
    /** The snippet's name, without parentheses. */
    readonly name: string;
    /** The directives it holds. */
    readonly directives: readonly CorefileDirective[];
    /** The 1-based line it starts on, when parsed. @default - not parsed from text */
    readonly line?: number;
  }
  | {
    /** A top-level `import` of other files or snippets. */
    readonly kind: 'import';
    /** What it imports (a path, a glob or a snippet name). */
    readonly args: readonly string[];
    /** The 1-based line it is on, when parsed. @default - not parsed from text */
    readonly line?: number;
  };

/** A whole Corefile. */
export interface Corefile {
  /** Its server blocks, snippets and imports, in order. */
  readonly entries: readonly CorefileEntry[];
}

/** A syntax error, with the line CoreDNS would report. */
export interface CorefileSyntaxError {
  /** The 1-based line. */
  readonly line: number;
  /** What is wrong, as CoreDNS would say it. */
  readonly message: string;
}

interface Token {
  readonly text: string;
  readonly line: number;
  /** Quoted tokens are never braces, comments or empty-looking. */
  readonly quoted: boolean;
}

/** Splits Corefile text into tokens, each with its line. */
function tokenize(text: string, errors: CorefileSyntaxError[]): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') { line++; i++; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = line;
    if (ch === '"') {
      let value = '';
      i++;
      let closed = false;
      while (i < text.length) {
        if (text[i] === '\\' && text[i + 1] === '"') { value += '"'; i += 2; continue; }
        if (text[i] === '"') { closed = true; i++; break; }
        if (text[i] === '\n') line++;
        value += text[i++];
      }
      if (!closed) errors.push({ line: start, message: 'a quoted string is never closed' });
      tokens.push({ text: value, line: start, quoted: true });
      continue;
    }
    let value = '';
    while (i < text.length && !/\s/.test(text[i])) value += text[i++];
    tokens.push({ text: value, line: start, quoted: false });
  }
  return tokens;
}

const isOpen = (t: Token | undefined) => t !== undefined && !t.quoted && t.text === '{';
const isClose = (t: Token | undefined) => t !== undefined && !t.quoted && t.text === '}';

/** Parses a Corefile. Errors carry line numbers; what parsed before an error is kept. */
export function parseCorefile(text: string): ParsedCorefile {
  const errors: CorefileSyntaxError[] = [];
  const tokens = tokenize(text, errors);
  let at = 0;

  /** Tokens up to the end of the current line (not crossing a brace). */
  const restOfLine = (line: number): Token[] => {
    const out: Token[] = [];
    while (at < tokens.length && tokens[at].line === line && !isOpen(tokens[at]) && !isClose(tokens[at])) out.push(tokens[at++]);
    return out;
  };

  const parseBlock = (opener: Token): CorefileDirective[] => {
    const directives: CorefileDirective[] = [];
    for (;;) {
      const token = tokens[at];
      if (token === undefined) { errors.push({ line: opener.line, message: 'a block opened here is never closed with }' }); return directives; }
      if (isClose(token)) { at++; return directives; }
      if (isOpen(token)) { errors.push({ line: token.line, message: 'unexpected {: a block must follow a directive on the same line' }); at++; parseBlock(token); continue; }
      at++;
      const args = restOfLine(token.line).map((t) => t.text);
      const next = tokens[at];
      if (isOpen(next) && next.line === token.line) {
        at++;
        const block = parseBlock(next);
        directives.push({ name: token.text, args, block, line: token.line });
      } else {
        directives.push({ name: token.text, args, line: token.line });
      }
    }
  };

  const entries: CorefileEntry[] = [];
  while (at < tokens.length) {
    const first = tokens[at];
    if (isClose(first)) { errors.push({ line: first.line, message: 'unexpected }: there is no open block to close' }); at++; continue; }
    if (isOpen(first)) { errors.push({ line: first.line, message: 'a block with no server key: write the zone and port before {, e.g. ".:53 {"' }); at++; parseBlock(first); continue; }
    if (!first.quoted && first.text === 'import') {
      at++;
      entries.push({ kind: 'import', args: restOfLine(first.line).map((t) => t.text), line: first.line });
      continue;
    }
    // Keys may continue over several lines when each ends with a comma.
    const keys: Token[] = [];
    for (;;) {
      const lineTokens = restOfLine(tokens[at]?.line ?? first.line);
      keys.push(...lineTokens);
      const last = lineTokens[lineTokens.length - 1];
      if (last && last.text.endsWith(',') && tokens[at] && !isOpen(tokens[at])) continue;
      break;
    }
    const open = tokens[at];
    if (!isOpen(open)) {
      errors.push({ line: first.line, message: `"${keys.map((k) => k.text).join(' ')}" is not followed by {: a server block needs a body` });
      continue;
    }
    at++;
    const directives = parseBlock(open);
    const names = keys.map((k) => k.text.replace(/,$/, '')).filter((k) => k !== '');
    const snippet = names.length === 1 && /^\(.+\)$/.test(names[0]);
    if (snippet) entries.push({ kind: 'snippet', name: names[0].slice(1, -1), directives, line: first.line });
    else entries.push({ kind: 'server', keys: names, directives, line: first.line });
  }
  return { corefile: { entries }, errors };
}

/** Parses a list of directives with no server block around them (a `*.override` import file). */
export function parseDirectives(text: string): ParsedDirectives {
  const { corefile, errors } = parseCorefile(`.:0 {\n${text}\n}`);
  const entry = corefile.entries[0];
  const shifted = errors.map((e) => ({ ...e, line: e.line - 1 }));
  if (!entry || entry.kind !== 'server') return { directives: [], errors: shifted };
  const unshift = (d: CorefileDirective): CorefileDirective => ({ ...d, line: (d.line ?? 1) - 1, ...(d.block ? { block: d.block.map(unshift) } : {}) });
  return { directives: entry.directives.map(unshift), errors: shifted };
}

/** Quotes an argument when the lexer would otherwise read it differently. */
function printArg(arg: string): string {
  const plain = arg !== '' && !/[\s"]/.test(arg) && !arg.startsWith('#') && arg !== '{' && arg !== '}';
  return plain ? arg : `"${arg.replace(/"/g, '\\"')}"`;
}

function printDirectives(directives: readonly CorefileDirective[], depth: number, out: string[]): void {
  const indent = '    '.repeat(depth);
  for (const d of directives) {
    const head = [printArg(d.name), ...d.args.map(printArg)].join(' ');
    if (d.block === undefined) { out.push(`${indent}${head}`); continue; }
    out.push(`${indent}${head} {`);
    printDirectives(d.block, depth + 1, out);
    out.push(`${indent}}`);
  }
}

/** Prints a Corefile in one canonical layout (four-space indents, one directive per line). */
export function printCorefile(corefile: Corefile): string {
  const out: string[] = [];
  corefile.entries.forEach((entry, index) => {
    if (index > 0 && entry.kind !== 'import') out.push('');
    if (entry.kind === 'import') { out.push(['import', ...entry.args.map(printArg)].join(' ')); return; }
    out.push(`${entry.kind === 'snippet' ? `(${entry.name})` : entry.keys.map(printArg).join(' ')} {`);
    printDirectives(entry.directives, 1, out);
    out.push('}');
  });
  return `${out.join('\n')}\n`;
}

/** Prints directives alone (for a `*.override` import file). */
export function printDirectiveList(directives: readonly CorefileDirective[]): string {
  const out: string[] = [];
  printDirectives(directives, 0, out);
  return `${out.join('\n')}\n`;
}

/** A server block key split into its parts: `dns://corp.example.:5353` -> corp.example., 5353. */
export interface ServerKey {
  /** The transport: `dns` (default), `tls`, `https`, `grpc` or `quic`. */
  readonly scheme: string;
  /** The zone, fully qualified with a trailing dot (`.` for the root). */
  readonly zone: string;
  /** The port (the scheme's default when the key gives none). */
  readonly port: number;
}

const DEFAULT_PORTS: Record<string, number> = { 'dns': 53, 'tls': 853, 'https': 443, 'grpc': 443, 'quic': 853 };

/** Reads a server block key, or says why it is not one. */
export function parseServerKey(key: string): ServerKey | string {
  const schemeMatch = /^([a-z0-9]+):\/\//.exec(key);
  const scheme = schemeMatch ? schemeMatch[1] : 'dns';
  if (!(scheme in DEFAULT_PORTS)) return `unknown scheme ${scheme}:// (CoreDNS serves dns, tls, https, grpc and quic)`;
  const rest = key.slice(schemeMatch ? schemeMatch[0].length : 0);
  const portMatch = /:([^:]*)$/.exec(rest);
  const zonePart = portMatch ? rest.slice(0, portMatch.index) : rest;
  let port = DEFAULT_PORTS[scheme];
  if (portMatch) {
    if (!/^\d+$/.test(portMatch[1]) || Number(portMatch[1]) > 65535) return `port "${portMatch[1]}" is not a port number`;
    port = Number(portMatch[1]);
  }
  if (zonePart === '' || zonePart === '.') return { scheme, zone: '.', port };
  // A CIDR key (10.0.0.0/8) is CoreDNS shorthand for its reverse zone; kept as written.
  if (/^[0-9a-f.:]+\/\d+$/i.test(zonePart)) return { scheme, zone: zonePart, port };
  const zone = zonePart.endsWith('.') ? zonePart.toLowerCase() : `${zonePart.toLowerCase()}.`;
  const labels = zone.slice(0, -1).split('.');
  if (labels.some((l) => l === '' || l.length > 63 || !/^[a-z0-9_*]([a-z0-9_-]*[a-z0-9_])?$/.test(l))) return `"${zonePart}" is not a DNS zone`;
  return { scheme, zone, port };
}
