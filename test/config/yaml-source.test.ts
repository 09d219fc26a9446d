import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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
    'p.yaml:4:1',
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
