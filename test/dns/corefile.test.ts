import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Corefile, CorefileDirective, parseCorefile, parseDirectives, parseServerKey, printCorefile, printDirectiveList } from '../../lib';

const golden = (name: string) => readFileSync(join(__dirname, 'golden', `${name}.Corefile`), 'utf8');

/** The parse without line numbers, to compare shapes. */
function shape(corefile: Corefile): unknown {
  const strip = (d: CorefileDirective): unknown => ({ name: d.name, args: d.args, ...(d.block ? { block: d.block.map(strip) } : {}) });
  return corefile.entries.map((e) => (e.kind === 'import' ? { kind: e.kind, args: e.args }
    : e.kind === 'snippet' ? { kind: e.kind, name: e.name, directives: e.directives.map(strip) }
      : { kind: e.kind, keys: e.keys, directives: e.directives.map(strip) }));
}

describe('Corefile parser and printer', () => {
  test('reads the kubeadm default Corefile with lines, and prints it in the canonical layout', () => {
    const { corefile, errors } = parseCorefile(golden('kubeadm-default'));
    expect(errors).toEqual([]);
    const server = corefile.entries[0];
    expect(server.kind === 'server' && server.keys).toEqual(['.:53']);
    const kubernetes = server.kind === 'server' ? server.directives.find((d) => d.name === 'kubernetes')! : undefined;
    expect(kubernetes).toMatchObject({ args: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'], line: 7 });
    expect(kubernetes!.block!.map((d) => [d.name, ...d.args])).toEqual([['pods', 'insecure'], ['fallthrough', 'in-addr.arpa', 'ip6.arpa'], ['ttl', '30']]);
    // Same tree whatever the indentation.
    expect(shape(parseCorefile(printCorefile(corefile)).corefile)).toEqual(shape(corefile));
  });

  test('comments, quotes, environment substitutions, imports, snippets and multi-key blocks', () => {
    const text = [
      '# cluster DNS',
      '(common) {',
      '    errors # inline comment',
      '}',
      'import custom/*.server',
      'corp.example:53, dev.example:53 {',
      '    import common',
      '    forward . {$UPSTREAM} "10.0.0.53"',
      '    template IN A {',
      '        answer "{{ .Name }} 60 IN A 10.0.0.1"',
      '    }',
      '    log {%LOG_FORMAT%}',
      '}',
    ].join('\n');
    const { corefile, errors } = parseCorefile(text);
    expect(errors).toEqual([]);
    expect(shape(corefile)).toEqual([
      { kind: 'snippet', name: 'common', directives: [{ name: 'errors', args: [] }] },
      { kind: 'import', args: ['custom/*.server'] },
      {
        kind: 'server', keys: ['corp.example:53', 'dev.example:53'], directives: [
          { name: 'import', args: ['common'] },
          { name: 'forward', args: ['.', '{$UPSTREAM}', '10.0.0.53'] },
          { name: 'template', args: ['IN', 'A'], block: [{ name: 'answer', args: ['{{ .Name }} 60 IN A 10.0.0.1'] }] },
          { name: 'log', args: ['{%LOG_FORMAT%}'] },
        ],
      },
    ]);
    expect(shape(parseCorefile(printCorefile(corefile)).corefile)).toEqual(shape(corefile));
  });

  test.each([
    ['.:53 {\n    errors\n', 1, 'a block opened here is never closed with }'],
    ['.:53 {\n    errors\n}\n}\n', 4, 'unexpected }: there is no open block to close'],
    ['.:53\n    errors\n', 1, '".:53" is not followed by {: a server block needs a body'],
    ['.:53 {\n    forward . "10.0.0.53\n}\n', 2, 'a quoted string is never closed'],
    ['{\n  errors\n}\n', 1, 'a block with no server key: write the zone and port before {, e.g. ".:53 {"'],
  ])('reports syntax errors with their line: %j', (text, line, message) => {
    expect(parseCorefile(text).errors).toContainEqual({ line, message });
  });

  test('override files are directive lists with their own line numbers', () => {
    const { directives, errors } = parseDirectives('log\nhosts {\n    10.0.0.1 a.example\n}\n');
    expect(errors).toEqual([]);
    expect(directives.map((d) => [d.name, d.line])).toEqual([['log', 1], ['hosts', 2]]);
    expect(printDirectiveList(directives)).toBe('log\nhosts {\n    10.0.0.1 a.example\n}\n');
  });

  test.each<[string, ReturnType<typeof parseServerKey>]>([
    ['.:53', { scheme: 'dns', zone: '.', port: 53 }],
    ['.', { scheme: 'dns', zone: '.', port: 53 }],
    ['Corp.Example', { scheme: 'dns', zone: 'corp.example.', port: 53 }],
    ['tls://corp.example.', { scheme: 'tls', zone: 'corp.example.', port: 853 }],
    ['dns://10.0.0.0/8:5353', { scheme: 'dns', zone: '10.0.0.0/8', port: 5353 }],
    ['corp.example:99999', 'port "99999" is not a port number'],
    ['corp..example', '"corp..example" is not a DNS zone'],
    ['ftp://corp.example', 'unknown scheme ftp:// (CoreDNS serves dns, tls, https, grpc and quic)'],
  ])('server key %s', (key, expected) => {
    expect(parseServerKey(key)).toEqual(expected);
  });

  test('property: parse(print(model)) = model', () => {
    const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    // Arguments: anything printable without backslashes or newlines, including spaces, quotes, braces and #.
    const arg = fc.oneof(word, fc.stringMatching(/^[ -[\]-~]{0,12}$/));
    const directive: fc.Arbitrary<CorefileDirective> = fc.letrec<{ d: CorefileDirective }>((tie) => ({
      d: fc.record({
        name: word,
        args: fc.array(arg, { maxLength: 4 }),
        block: fc.option(fc.array(tie('d'), { maxLength: 3, depthIdentifier: 'block' }), { nil: undefined, depthSize: 'small' }),
      }).map((d) => (d.block === undefined ? { name: d.name, args: d.args } : d)),
    })).d;
    const key = fc.constantFrom('.:53', 'corp.example:53', 'tls://a.example', 'b.example.:5353');
    const entry = fc.oneof(
      fc.record({ kind: fc.constant('server' as const), keys: fc.uniqueArray(key, { minLength: 1, maxLength: 2 }), directives: fc.array(directive, { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('snippet' as const), name: word, directives: fc.array(directive, { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('import' as const), args: fc.array(arg, { minLength: 1, maxLength: 2 }) }),
    );
    fc.assert(fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
      const corefile: Corefile = { entries };
      const { corefile: back, errors } = parseCorefile(printCorefile(corefile));
      expect(errors).toEqual([]);
      expect(shape(back)).toEqual(shape(corefile));
    }), { seed: 17, numRuns: 300 });
  });
});
