/** group_vars/ and host_vars/ beside the inventory, merged with Ansible's variable precedence. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory, toHostTarget, varPosition } from '../../src/inventory/index.js';
import { assertInputError } from '../config/input-error-assert.js';
import { hostNamed } from './inventory-from.js';

const fixture = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/inventories/ini-vars');
const inventory = loadInventory(join(fixture, 'hosts'));

const precedence: Array<{ host: string; name: string; want: unknown; why: string }> = [
  {
    host: 'web1',
    name: 'level',
    want: 'file-web-20',
    why: 'group_vars/ beat inventory group vars; the deepest group wins; later files in a group directory win',
  },
  {
    host: 'web1',
    name: 'only_inv',
    want: 'file-all',
    why: "group_vars/all.yml beats even a child group's inventory vars (Ansible precedence 3 < 4)",
  },
  { host: 'web1', name: 'only_all', want: 1, why: 'group_vars/all.yml applies to every host' },
  { host: 'web1', name: 'web_a', want: 1, why: 'every file of group_vars/web/ is read' },
  { host: 'web1', name: 'from_host', want: 'host_vars', why: 'host_vars/ beat inventory host vars' },
  { host: 'web1', name: 'ansible_user', want: 'hostfile', why: 'host_vars/ beat group_vars/' },
  { host: 'web1', name: 'ansible_port', want: 2201, why: 'an inventory host var beats group_vars/' },
  { host: 'web2', name: 'ansible_port', want: 2202, why: 'host_vars/NAME without an extension is read' },
  { host: 'web2', name: 'ansible_user', want: 'allfile', why: 'group_vars/all.yml gives a host without its own user' },
];

for (const c of precedence) {
  test(`vars precedence: ${c.host}.${c.name} — ${c.why}`, () =>
    assert.deepEqual(hostNamed(inventory, c.host).vars[c.name], c.want));
}

test('hidden files, other extensions and NAME.yml beside a NAME/ directory are not read', () => {
  const values = Object.values(hostNamed(inventory, 'web1').vars).map(String);
  assert.ok(!values.some((v) => /ignored|not-read/.test(v)), values.join(', '));
});

test('a value from a vars file keeps its FILE:LINE:COL and connects as set', () => {
  const web2 = hostNamed(inventory, 'web2');
  assert.deepEqual(varPosition(web2, 'ansible_port'), { file: join(fixture, 'host_vars/web2'), line: 1, col: 15 });
  const target = toHostTarget(web2, { user: 'local' });
  assert.deepEqual([target.user, target.port], ['allfile', 2202]);
});

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-vars-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const bad: Array<{ name: string; files: Record<string, string>; file: string; at: string; message: RegExp }> = [
  {
    name: 'a list',
    files: { 'group_vars/all.yml': '- a\n' },
    file: 'group_vars/all.yml',
    at: '1:1',
    message: /^vars file holds a list; expected a mapping of variable names to values$/,
  },
  {
    name: 'a vault file',
    files: { 'host_vars/h.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' },
    file: 'host_vars/h.yml',
    at: '1:1',
    message: /ansible-vault; expected a plain YAML file/,
  },
  {
    name: 'broken YAML',
    files: { 'group_vars/all/x.yml': 'a: [1\n' },
    file: 'group_vars/all/x.yml',
    at: '1:4', // the [ left open
    message: /^invalid YAML/,
  },
];

for (const c of bad) {
  test(`a bad vars file is an InputError at its FILE:LINE:COL: ${c.name}`, () => {
    const dir = scratch({ hosts: 'h\n', ...c.files });
    assertInputError(() => loadInventory(join(dir, 'hosts')), `${join(dir, c.file)}:${c.at}`, c.message);
  });
}

test('an empty vars file and vars for groups the inventory lacks are ignored, as in Ansible', () => {
  const dir = scratch({ hosts: '[g]\nh\n', 'group_vars/g.yml': '', 'group_vars/other.yml': 'x: 1\n' });
  assert.deepEqual(hostNamed(loadInventory(join(dir, 'hosts')), 'h').vars, {});
});

test('a relative key file set in group_vars/ or host_vars/ resolves against the inventory directory, not the vars directory', () => {
  const dir = scratch({
    hosts: '[g]\nh1\nh2\n',
    'group_vars/g/keys.yml': 'ansible_ssh_private_key_file: keys/id_g\n',
    'host_vars/h2.yml': 'ansible_ssh_private_key_file: keys/id_h2\n',
  });
  const inventory = loadInventory(join(dir, 'hosts'));
  assert.equal(toHostTarget(hostNamed(inventory, 'h1'), { user: 'u' }).privateKeyFile, join(dir, 'keys/id_g'));
  assert.equal(toHostTarget(hostNamed(inventory, 'h2'), { user: 'u' }).privateKeyFile, join(dir, 'keys/id_h2'));
});
