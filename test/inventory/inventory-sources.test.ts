/** What -i accepts: files (YAML or INI by content), directories, comma lists, several of them merged. */
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory, toHostTarget } from '../../src/inventory/index.js';
import { looksLikeIni } from '../../src/inventory/inventory-sources.js';
import { assertInputError, yamlLines as lines } from '../config/input-error-assert.js';
import { hostNamed } from './inventory-from.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/inventories');

const formats: Array<{ file: string; text: string; ini: boolean }> = [
  { file: 'hosts', text: lines('[web]', 'w1'), ini: true },
  { file: 'inv.yml', text: lines('# comment', '[web] # a comment', 'w1'), ini: true },
  { file: 'hosts', text: lines('; comment', 'w1 ansible_port=22', 'w2'), ini: true },
  { file: 'hosts', text: lines('w1'), ini: true },
  { file: 'hosts.ini', text: lines('all:', '  hosts:'), ini: true },
  { file: 'hosts', text: lines('all:', '  hosts:', '    w1:'), ini: false },
  { file: 'hosts', text: lines('---', 'all: {hosts: {w1: }}'), ini: false },
  { file: 'hosts', text: lines('all:', '  hosts: [a'), ini: false },
  { file: 'inv.yaml', text: lines('w1 ansible_port=22'), ini: false },
  { file: 'inv.json', text: '{"all": {"hosts": {"w1": null}}}', ini: false },
  { file: 'hosts', text: '', ini: false },
];

for (const c of formats) {
  test(`format by content: ${c.file} ${JSON.stringify(c.text.slice(0, 30))} → ${c.ini ? 'INI' : 'YAML'}`, () => {
    assert.equal(looksLikeIni(c.file, c.text), c.ini);
  });
}

test('-i "h1,h2:2222," is a list of ungrouped hosts with optional ports', () => {
  const inventory = loadInventory('h1, h2:2222,');
  assert.deepEqual(
    inventory.hosts.map((h) => h.name),
    ['h1', 'h2'],
  );
  assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['h1', 'h2']);
  assert.equal(toHostTarget(hostNamed(inventory, 'h2'), { user: 'u' }).port, 2222);
});

test('-i with a comma list: a bad port and a range are InputErrors', () => {
  assertInputError(() => loadInventory('h1,h2:0,'), 'h1,h2:0,:1:4', /^-i host "h2:0": port 0 is out of range/);
  assertInputError(() => loadInventory('w[1:3],'), 'w[1:3],:1:1', /is a range; expected plain host names/);
});

test("-i DIR reads every inventory file in it (recursively), skipping Ansible's ignored names and extensions", () => {
  const inventory = loadInventory(join(fixtures, 'dir'));
  assert.deepEqual(
    inventory.hosts.map((h) => h.name),
    ['y1', 'i1', 'd1'],
  );
  assert.equal(hostNamed(inventory, 'i1').vars['from'], 'ini');
  assert.equal(hostNamed(inventory, 'd1').vars['dir_var'], 'from-dir');
  assert.equal(hostNamed(inventory, 'y1').vars['ansible_port'], 2001);
});

test('several -i sources merge: groups join, later variables win, each source brings its group_vars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-multi-'));
  const second = join(dir, 'second.yaml');
  writeFileSync(
    second,
    lines('web:', '  hosts:', '    web1: {from_host: second}', '    web9:', '  vars: {level: second-inventory}'),
  );
  const inventory = loadInventory([join(fixtures, 'ini-vars/hosts'), second, 'extra1,']);
  assert.deepEqual(
    inventory.hosts.map((h) => h.name),
    ['web1', 'web2', 'web9', 'extra1'],
  );
  assert.deepEqual(hostNamed(inventory, 'web9').groups, ['all', 'prod', 'web']);
  // host_vars/web1.yml (beside the first source) still beats the second inventory's host var.
  assert.equal(hostNamed(inventory, 'web1').vars['from_host'], 'host_vars');
  assert.equal(hostNamed(inventory, 'web9').vars['ansible_user'], 'allfile');
  assert.equal(inventory.file, `${join(fixtures, 'ini-vars/hosts')}, ${second}, extra1,`);
});

test('a missing -i source says what was expected', () => {
  assertInputError(
    () => loadInventory('no/such/hosts'),
    'no/such/hosts:1:1',
    /^inventory not found; expected a readable YAML or INI inventory file, a directory, or a comma list/,
  );
});

test('an INI file with a YAML-only mistake is reported by the INI reader with its line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-ini-'));
  const file = join(dir, 'hosts');
  writeFileSync(file, lines('[web]', 'w1 ansible_port'));
  assertInputError(
    () => loadInventory(file),
    `${file}:2:4`,
    /^"ansible_port" on host line of "w1"; expected key=value/,
  );
});

test('-i DIR: an entry that cannot be read (a broken symlink) is bad input naming it, not skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-dir-'));
  writeFileSync(join(dir, 'a'), lines('[a]', 'h'));
  symlinkSync(join(dir, 'missing'), join(dir, 'b'));
  assertInputError(() => loadInventory(dir), `${join(dir, 'b')}:1:1`, /^inventory not found/);
});

test('an inventory script is refused as such rather than read as INI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-script-'));
  const file = join(dir, 'ec2.py');
  writeFileSync(file, lines('#!/usr/bin/env python3', 'import json', 'print(json.dumps({}))'));
  assertInputError(
    () => loadInventory(file),
    `${file}:1:1`,
    /^inventory is a script \(it starts with #!\); expected a static YAML or INI inventory/,
  );
});
