import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { loadYamlSource, parseYamlSource } from '../../src/config/yaml-source.js';
import { assertInputError, yamlLines } from './input-error-assert.js';

test('a missing file is an InputError at 1:1 saying it was not found', () => {
  assertInputError(
    () => loadYamlSource('no/such/inventory.yaml', 'inventory'),
    'no/such/inventory.yaml:1:1',
    /^inventory not found; expected a readable YAML file$/,
  );
});

test('a directory is reported as such', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-yaml-'));
  assertInputError(() => loadYamlSource(dir), `${dir}:1:1`, /is a directory; expected/);
});

test('a syntax error carries the parser position and no code excerpt', () => {
  const text = yamlLines('hosts: all', 'steps:', '  - check_count: {a: 1', 'x: 2');
  const error = assertInputError(
    () => parseYamlSource('p.yaml', text),
    'p.yaml:3:18',
    /^invalid YAML: .+; expected well-formed YAML$/,
  );
  assert.doesNotMatch(error.message, /\n/);
});

test('a duplicate key is a syntax error at the second key', () => {
  assertInputError(() => parseYamlSource('d.yaml', yamlLines('a: 1', 'b: 2', 'a: 3')), 'd.yaml:3:1', /unique/);
});

test('a file on disk loads with its path kept as given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-yaml-'));
  const file = join(dir, 'ok.yaml');
  writeFileSync(file, 'a: [1, 2]\n');
  const source = loadYamlSource(file);
  assert.equal(source.file, file);
  assert.deepEqual(source.doc.toJS(), { a: [1, 2] });
});

describe('an unclosed quote or flow collection is reported at its opening character, not where yaml gave up', () => {
  const cases: Array<[string, string[], string, RegExp]> = [
    ['double quote', ['all:', '  hosts:', '    web1:', '      ansible_host: "10.0.0.1'], '4:21', /closing "quote/],
    ['single quote', ['all:', '  hosts:', '    web1:', "      ansible_host: '10.0.0.1"], '4:21', /closing 'quote/],
    ["single quote with a doubled '' inside", ["a: 'it''s"], '1:4', /closing 'quote/],
    ['double quote with an escaped quote inside', ['a: "say \\"hi\\"'], '1:4', /closing "quote/],
    ['the open quote after a closed one', ['a: "ok"', 'b: "bad', 'c: 1'], '2:4', /closing "quote/],
    ['a quote open inside a flow sequence', ['a: [1, "two]'], '1:8', /closing "quote/],
    ['flow sequence', ['all:', '  vars:', '    ntp: [a, b', '  hosts:', '    web1:'], '3:10', /end with a \]/],
    ['flow map', ['all:', '  vars:', '    x: {a: 1'], '3:8', /end with a \}/],
    ['innermost of nested open flow maps', ['x: {a: [1, 2], b: {c: 1'], '1:19', /end with a \}/],
    ['flow sequence at the root', ['[a, b'], '1:1', /must end with a \]/],
  ];
  for (const [name, lines, where, message] of cases)
    it(`${name} → ${where}`, () => {
      assertInputError(() => parseYamlSource('f.yaml', yamlLines(...lines)), `f.yaml:${where}`, message);
    });
  it('other syntax errors keep the parser position', () => {
    assertInputError(() => parseYamlSource('f.yaml', yamlLines('a: "x"y')), 'f.yaml:1:7', /Unexpected scalar/);
  });
});
