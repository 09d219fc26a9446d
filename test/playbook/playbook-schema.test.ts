import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { playbookFrom } from './playbook-from.js';

const STEPS = 'steps: [{unload_nat: }]';

test('top-level defaults are filled in', () => {
  const playbook = playbookFrom(yamlLines('hosts: web', STEPS));
  assert.deepEqual(
    { ...playbook, steps: playbook.steps.length },
    {
      file: 'pb.yaml',
      hosts: 'web',
      hostsPosition: { file: 'pb.yaml', line: 1, col: 8 },
      steps: 1,
      serial: ['100%'],
      max_fail_percentage: 0,
      on_abort: 'rollback-batch',
    },
  );
});

const accepted: Array<[string, Record<string, unknown>]> = [
  ['serial: 2', { serial: [2] }],
  ['serial: "25%"', { serial: ['25%'] }],
  ['serial: [1, "10%", "100%"]', { serial: [1, '10%', '100%'] }],
  ['gate: {soak: 2m}', { gate: { soakMs: 120_000, max_new_drops: 0 } }],
  [
    'gate: {soak: 45, max_usage_percent: 90, max_new_drops: 3}',
    { gate: { soakMs: 45_000, max_new_drops: 3, max_usage_percent: 90 } },
  ],
  ['on_abort: keep', { on_abort: 'keep' }],
  ['max_fail_percentage: 12.5', { max_fail_percentage: 12.5 }],
  ['max_unreachable_percent: 20', { max_unreachable_percent: 20 }],
  ['max_unreachable_percent: 0', { max_unreachable_percent: 0 }],
  ['name: Tune', { name: 'Tune' }],
];

for (const [line, want] of accepted) {
  test(`${line} → ${JSON.stringify(want)}`, () => {
    const playbook = playbookFrom(yamlLines('hosts: all', line, STEPS));
    for (const [key, value] of Object.entries(want))
      assert.deepEqual(playbook[key as keyof typeof playbook], value, key);
  });
}

test('hosts may be a list of patterns, each split as Ansible does', () => {
  assert.equal(playbookFrom(yamlLines('hosts: [web, "db:!db3"]', STEPS)).hosts, 'web,db,!db3');
});

const errors: Array<[string, string, string, RegExp]> = [
  [
    'unknown key, at the key',
    'hots: all',
    '1:1',
    /^unknown key "hots" \(did you mean "hosts"\?\); expected one of: name, hosts, serial, max_fail_percentage, max_unreachable_percent, gate, on_abort, steps$/,
  ],
  ['hosts missing', 'name: x', '1:1', /^hosts: missing; expected an Ansible host pattern such as all or web:!canary/],
  ['hosts not a string', 'hosts: 5', '1:8', /^hosts: got 5; expected an Ansible host pattern/],
  [
    'invalid host pattern syntax',
    'hosts: "web:!"',
    '1:8',
    /^host pattern "web:!": "!" has no name after the operator; expected e\.g\. !canary$/,
  ],
  [
    'invalid regex in hosts',
    'hosts: "~web("',
    '1:8',
    /invalid regular expression in "~web\(" \(.+\); expected a JavaScript regular expression after "~"$/,
  ],
  [
    'serial item out of range, at the item',
    'hosts: all\nserial: [1, "0%"]',
    '2:13',
    /^serial\[1\]: got "0%"; expected a host count \(positive integer\) or a percentage "1%"-"100%"$/,
  ],
  ['serial zero', 'hosts: all\nserial: 0', '2:9', /^serial: got 0; expected a host count/],
  ['serial empty list', 'hosts: all\nserial: []', '2:9', /^serial: got a list; expected at least one batch size/],
  [
    'max_fail_percentage above 100',
    'hosts: all\nmax_fail_percentage: 101',
    '2:22',
    /^max_fail_percentage: got 101; expected a number 0-100$/,
  ],
  [
    'max_unreachable_percent above 100',
    'hosts: all\nmax_unreachable_percent: 150',
    '2:26',
    /^max_unreachable_percent: got 150; expected a number 0-100 \(omit for unlimited\)$/,
  ],
  [
    'on_abort unknown',
    'hosts: all\non_abort: rollback',
    '2:11',
    /^on_abort: got "rollback"; expected one of: rollback-batch, rollback-all, keep$/,
  ],
  [
    'gate without soak',
    'hosts: all\ngate: {max_usage_percent: 90}',
    '2:7',
    /^gate\.soak: missing; expected a duration such as 30s, 2m, 500ms, or a number of seconds$/,
  ],
  ['gate soak unparsable', 'hosts: all\ngate: {soak: soon}', '2:14', /^gate\.soak: got "soon"; expected a duration/],
  [
    'gate usage out of range',
    'hosts: all\ngate: {soak: 1s, max_usage_percent: 101}',
    '2:37',
    /^gate\.max_usage_percent: got 101; expected a number 0-100$/,
  ],
  [
    'gate unknown key',
    'hosts: all\ngate: {soak: 1s, drops: 1}',
    '2:18',
    /^gate: unknown key "drops"; expected one of: soak, max_usage_percent, max_new_drops$/,
  ],
  [
    'gate negative drops',
    'hosts: all\ngate: {soak: 1s, max_new_drops: -1}',
    '2:33',
    /^gate\.max_new_drops: got -1; expected an integer >= 0$/,
  ],
];

for (const [name, head, at, message] of errors) {
  test(name, () => {
    assertInputError(() => playbookFrom(`${head}\n${STEPS}\n`), `pb.yaml:${at}`, message);
  });
}

const shapes: Array<[string, string, string, RegExp]> = [
  [
    'an Ansible-style list of plays',
    '- hosts: all\n  tasks: []\n',
    '1:1',
    /^got an Ansible playbook \(a list of plays with tasks:\); expected one mapping with hosts:, rollout keys .* \(docs\/playbook\.md; example: playbooks\/tune\.yaml\)$/,
  ],
  ['a list that is not plays', '- 1\n', '1:1', /^got a list; expected one mapping with hosts:/],
  [
    'one play with tasks:, at the key',
    'hosts: all\ntasks: []\n',
    '2:1',
    /^"tasks" is an Ansible play key; expected one mapping/,
  ],
  [
    'steps beside tasks: the unknown key, not the play pointer',
    'hosts: all\nsteps: [check_count: {}]\ntasks: []\n',
    '3:1',
    /^unknown key "tasks"; expected one of/,
  ],
  ['an empty file', '', '1:1', /^hosts: missing; expected/],
  ['no steps', 'hosts: all\n', '1:1', /^steps: missing; expected a non-empty list of steps$/],
  ['empty steps', 'hosts: all\nsteps: []\n', '2:8', /^steps: got a list; expected a non-empty list of steps$/],
  [
    'steps as a mapping',
    'hosts: all\nsteps: {raise_max: {value: 1}}\n',
    '2:8',
    /^steps: got a mapping; expected a non-empty list of steps$/,
  ],
];

for (const [name, text, at, message] of shapes) {
  test(name, () => {
    assertInputError(() => playbookFrom(text), `pb.yaml:${at}`, message);
  });
}
