import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory, selectHosts, toHostTarget } from '../../src/inventory/index.js';
import { assertInputError } from '../config/input-error-assert.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => resolve(root, 'test/fixtures/inventory', name);
const names = (pattern: string, file: string): string[] => selectHosts(loadInventory(file), pattern).map((h) => h.name);

test("Ansible's documentation example loads unchanged", () => {
  const file = fixture('ansible-docs.yaml');
  const inventory = loadInventory(file);
  assert.deepEqual(
    inventory.hosts.map((h) => h.name),
    [
      'mail.example.com',
      'foo.example.com',
      'bar.example.com',
      'one.example.com',
      'two.example.com',
      'three.example.com',
    ],
  );
  assert.deepEqual(names('ungrouped', file), ['mail.example.com']);
  assert.deepEqual(names('prod', file), ['foo.example.com', 'one.example.com', 'two.example.com']);
  assert.deepEqual(names('dbservers:&test', file), ['three.example.com']);
  assert.deepEqual(names('webservers:!east', file), ['bar.example.com']);
  assert.deepEqual(inventory.groups.get('east')?.depth, 2);
});

test('the shipped example inventory loads and every host becomes a target', () => {
  const file = resolve(root, 'inventories/example.yaml');
  const inventory = loadInventory(file);
  assert.equal(inventory.hosts.length, 9);
  assert.deepEqual(names('canary', file), ['web1.example.com']);
  assert.deepEqual(names('web:!canary', file), ['web2.example.com', 'web3.example.com', 'web4.example.com']);
  const targets = inventory.hosts.map((h) => toHostTarget(h, { user: 'nobody' }));
  const byName = new Map(targets.map((t) => [t.name, t]));
  assert.equal(byName.get('db2.example.com')?.port, 2222);
  assert.equal(byName.get('lb2.example.com')?.address, '203.0.113.12');
  assert.equal(byName.get('stage1.example.com')?.become, true);
  assert.ok(
    targets.every((t) => t.user === 'deploy' && t.become && t.knownHostsFile?.endsWith('/.ssh/known_hosts.fleet')),
  );
});

test('relative key paths resolve against the inventory directory, not the working directory', () => {
  const inventory = loadInventory(fixture('keys.yaml'));
  const [k1, k2] = inventory.hosts.map((h) => toHostTarget(h, { user: 'x' }));
  assert.equal(k1?.privateKeyFile, fixture('keys/fleet_ed25519'));
  assert.equal(k1?.user, 'fleet');
  assert.equal(k2?.privateKeyFile, '/abs/id');
});

test('a bad inventory file reports FILE:LINE:COL', () => {
  const file = fixture('bad-key.yaml');
  assertInputError(
    () => loadInventory(file),
    `${file}:4:7`,
    /^unknown key "hots" in group "web" \(did you mean "hosts"\?\); expected one of: hosts, children, vars$/,
  );
});

test('a missing inventory file is an InputError', () => {
  assertInputError(
    () => loadInventory('test/fixtures/inventory/nope.yaml'),
    'test/fixtures/inventory/nope.yaml:1:1',
    /^inventory not found/,
  );
});
