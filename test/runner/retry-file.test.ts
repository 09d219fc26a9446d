import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildRetryInventory, writeRetryFile } from '../../src/cli/retry-file.js';
import { toHostTarget } from '../../src/inventory/host-target.js';
import type { HostOutcome } from '../../src/runner/outcome.js';
import { hostResult } from '../../src/runner/step-results.js';
import { inventoryFrom } from '../inventory/inventory-from.js';

const inventoryText = `all:
  vars:
    ansible_user: root
  children:
    web:
      vars:
        ansible_ssh_private_key_file: keys/fleet
      hosts:
        web1: { ansible_port: 2201 }
        web2: { ansible_port: 2202 }
        web3: { ansible_port: 2203 }
    db:
      hosts:
        db1: { ansible_host: 10.0.0.5 }
        db2: {}
`;

const inventory = inventoryFrom(inventoryText, '/srv/fleet/inventories/prod.yaml');
const targets = inventory.hosts.map((h) => toHostTarget(h, { user: 'ops' }));

function results(outcomes: Record<string, HostOutcome>) {
  return Object.entries(outcomes).map(([host, outcome], i) => hostResult(host, i, outcome));
}

test('the retry inventory holds every host that did not end changed or unchanged, in run order', () => {
  const doc = buildRetryInventory(
    inventory,
    targets,
    results({
      web1: 'changed',
      web2: 'rolled-back',
      web3: 'unchanged',
      db1: 'unreachable',
      db2: 'skipped',
    }),
  ) as { all: { hosts: Record<string, Record<string, unknown>>; children: Record<string, unknown> } };
  assert.deepEqual(Object.keys(doc.all.hosts), ['web2', 'db1', 'db2']);
  // group membership kept (flat) so `hosts: web` still matches; vars are the merged ones
  assert.deepEqual(doc.all.children, { web: { hosts: { web2: null } }, db: { hosts: { db1: null, db2: null } } });
  assert.deepEqual(doc.all.hosts['db1'], { ansible_user: 'root', ansible_host: '10.0.0.5' });
  // the relative key was resolved against the inventory that set it; written absolute, it resolves from anywhere
  assert.deepEqual(doc.all.hosts['web2'], {
    ansible_user: 'root',
    ansible_ssh_private_key_file: '/srv/fleet/inventories/keys/fleet',
    ansible_port: 2202,
  });
});

test('each retried outcome is listed; changed and unchanged never are', () => {
  const table: [HostOutcome, boolean][] = [
    ['failed', true],
    ['rolled-back', true],
    ['rollback-failed', true],
    ['unreachable', true],
    ['skipped', true],
    ['changed', false],
    ['unchanged', false],
  ];
  for (const [outcome, listed] of table) {
    const doc = buildRetryInventory(inventory, targets, results({ web1: outcome })) as { all: { hosts: object } };
    assert.equal('web1' in doc.all.hosts, listed, outcome);
  }
});

test('the file written loads back as an inventory that connects each host the same way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-retry-'));
  const file = join(dir, 'retry.yaml');
  const count = await writeRetryFile(
    file,
    inventory,
    targets,
    results({ web1: 'failed', db2: 'unreachable', web2: 'changed' }),
  );
  assert.equal(count, 2);
  const reloaded = inventoryFrom(readFileSync(file, 'utf8'), file);
  const again = reloaded.hosts.map((h) => toHostTarget(h, { user: 'ops' }));
  const original = (name: string) => targets.find((t) => t.name === name);
  for (const target of again) {
    const { vars: _vars, ...connection } = target;
    const { vars: _originalVars, ...expected } = original(target.name) ?? {};
    assert.deepEqual(connection, expected, target.name);
  }
  assert.deepEqual(reloaded.groups.get('web')?.hosts, ['web1']);
});

test('a become password is never copied into the retry inventory (the retry run gets it from -K or the env var)', () => {
  const withSecret = inventoryFrom(
    'all:\n  hosts:\n    web1: { ansible_become: true, ansible_become_password: s3cret, ansible_become_pass: s3cret2, ansible_sudo_pass: s3cret3 }\n',
    '/srv/fleet/inventories/prod.yaml',
  );
  const doc = buildRetryInventory(
    withSecret,
    withSecret.hosts.map((h) => toHostTarget(h, { user: 'ops' })),
    results({ web1: 'unreachable' }),
  );
  assert.deepEqual((doc as { all: { hosts: Record<string, unknown> } }).all.hosts['web1'], { ansible_become: true });
  assert.doesNotMatch(JSON.stringify(doc), /s3cret/);
});
