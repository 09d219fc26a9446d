import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/playbook/index.js';
import type { Playbook, StepSpec } from '../../src/playbook/types.js';
import { assertInputError } from '../config/input-error-assert.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const stepsOf = (playbook: Playbook): Array<Pick<StepSpec, 'kind' | 'options'>> =>
  playbook.steps.map(({ kind, options }) => ({ kind, options }));

test('shipped playbooks/tune.yaml is the classic procedure', () => {
  const playbook = loadPlaybook(resolve(root, 'playbooks/tune.yaml'));
  assert.equal(playbook.hosts, 'all');
  assert.deepEqual(playbook.serial, [1, '10%', '100%']);
  assert.deepEqual(playbook.gate, { soakMs: 10_000, max_usage_percent: 90, max_new_drops: 0 });
  assert.equal(playbook.on_abort, 'rollback-batch');
  assert.deepEqual(stepsOf(playbook), [
    { kind: 'check_count', options: { warn_above_percent: 80 } },
    {
      kind: 'raise_max',
      options: { value: 262144, per_cpu: 32768, min: 131072, allow_lower: false, max_memory_percent: 10 },
    },
    { kind: 'set_hashsize', options: { value: { kind: 'fraction-of-max', divisor: 4 } } },
    { kind: 'set_timeouts', options: { timeouts: { tcp_timeout_established: 86400, tcp_timeout_time_wait: 90 } } },
    { kind: 'persist', options: { file: '/etc/sysctl.conf', sysctl_d: false, remove: [] } },
  ]);
});

test('shipped playbooks/unload-nat.yaml checks the count, then unloads NAT', () => {
  const playbook = loadPlaybook(resolve(root, 'playbooks/unload-nat.yaml'));
  assert.deepEqual(stepsOf(playbook), [
    { kind: 'check_count', options: {} },
    { kind: 'unload_nat', options: {} },
  ]);
});

test('a minimal playbook gets every default', () => {
  const file = resolve(root, 'test/fixtures/playbook/minimal.yaml');
  assert.deepEqual(loadPlaybook(file), {
    file,
    hosts: 'web',
    hostsPosition: { file, line: 1, col: 8 },
    steps: [{ kind: 'check_count', options: {}, position: { file, line: 3, col: 5 } }],
    serial: ['100%'],
    max_fail_percentage: 0,
    on_abort: 'rollback-batch',
  });
});

test('a bad playbook file reports FILE:LINE:COL of the offending value', () => {
  const file = resolve(root, 'test/fixtures/playbook/bad-step.yaml');
  assertInputError(
    () => loadPlaybook(file),
    `${file}:7:16`,
    /^steps\[1\]\.raise_max\.per_cpu: got "lots"; expected an integer 1-2147483647$/,
  );
});

test('a missing playbook file is an InputError', () => {
  assertInputError(
    () => loadPlaybook('playbooks/nope.yaml'),
    'playbooks/nope.yaml:1:1',
    /^playbook not found; expected a readable YAML file$/,
  );
});
