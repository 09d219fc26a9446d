/** Ansible's INI inventory dialect (plugins/inventory/ini.py), through the same resolve step as every inventory. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIniInventory } from '../../src/inventory/parse-ini-inventory.js';
import { resolveInventory } from '../../src/inventory/resolve-inventory.js';
import type { Inventory } from '../../src/inventory/types.js';
import { varPosition } from '../../src/inventory/var-positions.js';
import { assertInputError, yamlLines as lines } from '../config/input-error-assert.js';
import { hostNamed } from './inventory-from.js';

const ini = (text: string): Inventory => resolveInventory(parseIniInventory('hosts', text));

const ansibleDocs = lines(
  'mail.example.com',
  '',
  '[webservers]',
  'foo.example.com',
  'bar.example.com',
  '',
  '[dbservers]',
  'one.example.com',
  'two.example.com',
  'three.example.com',
  '',
  '[prod:children]',
  'webservers',
  '',
  '[test:children]',
  'dbservers',
);

test("Ansible's INI documentation example: groups, children, ungrouped", () => {
  const inventory = ini(ansibleDocs);
  assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['mail.example.com']);
  assert.deepEqual(hostNamed(inventory, 'foo.example.com').groups, ['all', 'prod', 'webservers']);
  assert.deepEqual(inventory.groups.get('prod')?.children, ['webservers']);
  assert.equal(inventory.groups.get('test')?.depth, 1);
});

const values: Array<{ name: string; text: string; host: string; vars: Record<string, unknown> }> = [
  {
    name: 'host line values are literal_eval-ed after shlex: numbers, booleans, quotes removed first',
    text: lines('[web]', `web1 ansible_port=2222 ansible_become=True x="1" msg='hello world' ip=10.0.0.1 t=true`),
    host: 'web1',
    vars: { ansible_port: 2222, ansible_become: true, x: 1, msg: 'hello world', ip: '10.0.0.1', t: 'true' },
  },
  {
    name: 'vars section values: the rest of the line, literal_eval-ed; quotes kept to make a string',
    text: lines(
      '[web]',
      'web1',
      '[web:vars]',
      'ansible_user = deploy',
      'x = "1"',
      'n=2',
      'msg = hello world',
      'b = True # a comment',
      'list = [1, 2]',
    ),
    host: 'web1',
    vars: { ansible_user: 'deploy', x: '1', n: 2, msg: 'hello world', b: true, list: [1, 2] },
  },
  {
    name: 'a host port suffix becomes ansible_port; comments with # and ; are skipped; # ends a host line',
    text: lines('; a comment', '# another', '[db]', 'db1:2200 user=a # trailing comment', '  ; indented comment'),
    host: 'db1',
    vars: { ansible_port: 2200, user: 'a' },
  },
  {
    name: 'child group vars beat parent group vars; host vars beat both; [all:vars] is lowest',
    text: lines(
      '[all:vars]',
      'a=all',
      'b=all',
      'c=all',
      '[parent:children]',
      'child',
      '[parent:vars]',
      'b=parent',
      'c=parent',
      '[child]',
      'h c=host',
      '[child:vars]',
      'c=child',
    ),
    host: 'h',
    vars: { a: 'all', b: 'parent', c: 'host' },
  },
];

for (const c of values) {
  test(`INI values: ${c.name}`, () => assert.deepEqual(hostNamed(ini(c.text), c.host).vars, c.vars));
}

test('INI ranges expand with zero padding, and every host gets the line variables', () => {
  const inventory = ini(lines('[web]', 'web[01:03].example.com ansible_user=u'));
  assert.deepEqual(
    inventory.hosts.map((h) => h.name),
    ['web01.example.com', 'web02.example.com', 'web03.example.com'],
  );
  assert.equal(hostNamed(inventory, 'web03.example.com').vars['ansible_user'], 'u');
});

test('INI variable positions point at the key on its line', () => {
  const host = hostNamed(ini(lines('[web]', 'web1  ansible_port=x', '[web:vars]', 'ansible_user =  deploy')), 'web1');
  assert.deepEqual(varPosition(host, 'ansible_port'), { file: 'hosts', line: 2, col: 7 });
  assert.deepEqual(varPosition(host, 'ansible_user'), { file: 'hosts', line: 4, col: 17 });
});

const errors: Array<{ name: string; text: string; at: string; message: RegExp }> = [
  {
    name: 'an unknown section type',
    text: lines('[web:hosts2]'),
    at: '1:1',
    message: /^section \[web:hosts2\] has unknown type "hosts2"; expected \[web\], \[web:vars\] or \[web:children\]$/,
  },
  {
    name: 'a section header with a space',
    text: lines('h', '[web servers]'),
    at: '2:1',
    message: /^invalid section header \[web servers\]; expected \[NAME\]/,
  },
  {
    name: 'a host word without =',
    text: lines('[web]', 'web1 ansible_port=22 oops'),
    at: '2:22',
    message: /^"oops" on host line of "web1"; expected key=value host variables$/,
  },
  {
    name: 'an unterminated quote',
    text: lines('[web]', `  web1 msg='hi`),
    at: '2:3',
    message: /unterminated ' quote; expected balanced quotes$/,
  },
  {
    name: 'a vars line without =',
    text: lines('[web]', 'w', '[web:vars]', 'just_a_word'),
    at: '4:1',
    message: /^"just_a_word" in \[web:vars\]; expected key=value, one per line$/,
  },
  {
    name: 'vars for an undefined group',
    text: lines('[ghost:vars]', 'a=1'),
    at: '1:1',
    message: /^section \[ghost:vars\] is for group "ghost", which is not defined/,
  },
  {
    name: 'an undefined child group',
    text: lines('[p:children]', 'nosuch'),
    at: '2:1',
    message: /^\[p:children\] includes "nosuch", which is not defined/,
  },
  {
    name: 'a bad range',
    text: lines('[web]', 'w[3:1]'),
    at: '2:1',
    message: /^host "w\[3:1\]": host range \[3:1\] ends before it begins/,
  },
  {
    name: 'a host ending in a colon',
    text: lines('[web]', 'web1:'),
    at: '2:1',
    message: /^host "web1:" ends in ":"; expected a port after it/,
  },
  {
    name: 'a child name with junk',
    text: lines('[a]', '[p:children]', 'a b'),
    at: '3:1',
    message: /^"a b" in \[p:children\]; expected a group name$/,
  },
];

for (const c of errors) {
  test(`INI error at FILE:LINE:COL: ${c.name}`, () => {
    assertInputError(() => ini(c.text), `hosts:${c.at}`, c.message);
  });
}

test('children may be declared before their own section, and vars of a group declared later are fine', () => {
  const inventory = ini(lines('[p:children]', 'c', '[c:vars]', 'v=1', '[c]', 'h'));
  assert.deepEqual(hostNamed(inventory, 'h').groups, ['all', 'p', 'c']);
  assert.equal(hostNamed(inventory, 'h').vars['v'], 1);
});
