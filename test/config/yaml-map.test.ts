import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positionAtPath } from '../../src/config/node-position.js';
import { documentValue, parseYamlSource } from '../../src/config/yaml-source.js';
import { yamlLines } from './input-error-assert.js';
import { playbookFrom } from '../playbook/playbook-from.js';

const text = yamlLines(
  'defaults: &d',
  '  value: 5',
  '  min: 1',
  'steps:',
  '  - raise_max:',
  '      <<: *d',
  '      min: 2',
  '  - raise_max: *d',
);

test('merge keys are applied when a whole document is read (playbooks share this loader)', () => {
  const source = parseYamlSource('p.yaml', text);
  assert.deepEqual(documentValue(source), {
    defaults: { value: 5, min: 1 },
    steps: [{ raise_max: { value: 5, min: 2 } }, { raise_max: { value: 5, min: 1 } }],
  });
});

const positions: Array<{ path: PropertyKey[]; at: string; why: string }> = [
  { path: ['steps', 0, 'raise_max', 'value'], at: '2:10', why: 'a merged value: where the anchor wrote it' },
  { path: ['steps', 0, 'raise_max', 'min'], at: '7:12', why: 'an own key beats the merged one' },
  { path: ['steps', 1, 'raise_max', 'min'], at: '3:8', why: 'through a plain alias: at the anchor' },
  { path: ['steps', 1, 'raise_max'], at: '8:16', why: 'the alias itself: at its use' },
];

for (const c of positions) {
  test(`positions through aliases and merges: ${c.why}`, () => {
    const p = positionAtPath(parseYamlSource('p.yaml', text), c.path);
    assert.equal(`${p.line}:${p.col}`, c.at);
  });
}

test('a playbook step may take its options through a merge key', () => {
  const playbook = playbookFrom(
    yamlLines(
      'hosts: all',
      'steps:',
      '  - raise_max: &rm {value: 262144, min: 131072}',
      '  - raise_max:',
      '      <<: *rm',
      '      value: 300000',
    ),
  );
  const [first, second] = playbook.steps.map((step) => (step as { options: Record<string, unknown> }).options);
  assert.equal(first?.['value'], 262144);
  assert.deepEqual([second?.['value'], second?.['min']], [300000, 131072]);
});
