import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { playbookFrom } from './playbook-from.js';

const KINDS = 'check_count, raise_max, set_hashsize, set_timeouts, persist, unload_nat';

test('each step keeps its kind, optional name and the position of its list item', () => {
  const playbook = playbookFrom(
    yamlLines('hosts: all', 'steps:', '  - name: Look first', '    check_count: {}', '  -   unload_nat:'),
  );
  assert.deepEqual(
    playbook.steps.map((s) => [s.kind, s.name, `${s.position.file}:${s.position.line}:${s.position.col}`]),
    [
      ['check_count', 'Look first', 'pb.yaml:3:5'],
      ['unload_nat', undefined, 'pb.yaml:5:7'],
    ],
  );
  assert.ok(!('name' in (playbook.steps[1] ?? {})));
});

const errors: Array<[string, string[], string, RegExp]> = [
  [
    'unknown step, at its key, listing the valid steps',
    ['  - check_count: {}', '  - raise_mx: {value: 1}'],
    '4:5',
    new RegExp(`^steps\\[1\\]: unknown step "raise_mx" \\(did you mean "raise_max"\\?\\); expected one of: ${KINDS}$`),
  ],
  [
    'two step keys, at the second',
    ['  - raise_max: {value: 1}', '    persist: {}'],
    '4:5',
    /^steps\[0\]: two step keys "raise_max" and "persist"; expected exactly one step per list item$/,
  ],
  ['only a name', ['  - name: nothing'], '3:5', new RegExp(`^steps\\[0\\]: no step key; expected one of: ${KINDS}$`)],
  [
    'a bare string item',
    ['  - unload_nat'],
    '3:5',
    /^steps\[0\]: got "unload_nat"; expected a mapping with one step key \(check_count, .*\), e\.g\. "- check_count: \{\}"$/,
  ],
  [
    'an empty name',
    ['  - name: ""', '    unload_nat:'],
    '3:11',
    /^steps\[0\]\.name: got ""; expected a non-empty string$/,
  ],
  [
    'a name that is a list',
    ['  - name: [a]', '    unload_nat:'],
    '3:11',
    /^steps\[0\]\.name: got a list; expected a non-empty string$/,
  ],
];

for (const [name, lines, at, message] of errors) {
  test(name, () => {
    assertInputError(() => playbookFrom(yamlLines('hosts: all', 'steps:', ...lines)), `pb.yaml:${at}`, message);
  });
}
