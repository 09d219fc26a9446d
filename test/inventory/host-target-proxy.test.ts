/** ProxyJump/-J/ProxyCommand read from an inventory's ansible_ssh_common_args / ansible_ssh_extra_args. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHostTarget } from '../../src/inventory/host-target.js';
import type { InventoryHost } from '../../src/inventory/types.js';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { hostNamed, inventoryFrom } from './inventory-from.js';

const bare = (vars: Record<string, unknown>): InventoryHost => ({ name: 'h1', vars, groups: ['all', 'ungrouped'] });
const proxyOf = (vars: Record<string, unknown>) => toHostTarget(bare(vars), { user: 'me' }).proxy;

test('no proxy options: no proxy setting (the ssh config may still give one)', () => {
  assert.equal(proxyOf({ ansible_ssh_common_args: '-o UserKnownHostsFile=/kh' }), undefined);
});

test("common args come before extra args on ssh's command line, so their ProxyJump wins", () => {
  const proxy = proxyOf({ ansible_ssh_common_args: '-o ProxyJump=a', ansible_ssh_extra_args: '-o ProxyJump=b' });
  assert.deepEqual(proxy, {
    kind: 'jump',
    jumps: [{ host: 'a' }],
    source: '-o ProxyJump=a in ansible_ssh_common_args + ansible_ssh_extra_args',
  });
  assert.deepEqual(proxyOf({ ansible_ssh_extra_args: '-J ops@b:2222' })?.kind, 'jump');
  assert.deepEqual(proxyOf({ ansible_ssh_extra_args: '-o ProxyJump=none' })?.kind, 'none');
});

test('what ssh would refuse is bad input at the variable that completes the conflict', () => {
  const inventory = inventoryFrom(
    yamlLines(
      'all:',
      '  hosts:',
      '    j1: {ansible_ssh_common_args: "-J a", ansible_ssh_extra_args: "-J b"}', // 3:67
      '    j2: {ansible_ssh_common_args: "-o ProxyJump=ops@"}', // 4:35
    ),
    '/inv.yaml',
  );
  assertInputError(
    () => toHostTarget(hostNamed(inventory, 'j1'), { user: 'me' }),
    '/inv.yaml:3:67',
    /ansible_ssh_extra_args: .*ssh refuses more than one jump setting/,
  );
  assertInputError(
    () => toHostTarget(hostNamed(inventory, 'j2'), { user: 'me' }),
    '/inv.yaml:4:35',
    /ProxyJump "ops@" is not \[user@\]host\[:port\]/,
  );
});
