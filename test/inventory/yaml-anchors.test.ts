/** Anchors, aliases and `<<` merge keys in YAML inventories, read as Ansible (PyYAML) reads them. */
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory, toHostTarget, varPosition } from '../../src/inventory/index.js';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { hostNamed, inventoryFrom } from './inventory-from.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/inventories');

const resolved: Array<{ name: string; yaml: string; host: string; vars: Record<string, unknown>; groups?: string[] }> =
  [
    {
      name: 'a host whose variables are an alias',
      yaml: yamlLines('a:', '  hosts:', '    h1: &cfg {ansible_user: deploy}', 'b:', '  hosts:', '    h1: *cfg'),
      host: 'h1',
      vars: { ansible_user: 'deploy' },
      groups: ['all', 'a', 'b'],
    },
    {
      name: 'a merge key brings user and port, own keys win',
      yaml: yamlLines(
        'all:',
        '  vars:',
        '    d: &d {ansible_user: deploy, ansible_port: 2222}',
        '  hosts:',
        '    h1:',
        '      <<: *d',
        '      ansible_port: 22',
      ),
      host: 'h1',
      vars: { d: { ansible_user: 'deploy', ansible_port: 2222 }, ansible_user: 'deploy', ansible_port: 22 },
    },
    {
      name: 'a list of merged maps: the earlier one wins',
      yaml: yamlLines(
        'x: &a {vars: {}}',
        'all:',
        '  vars:',
        '    p: &p {ansible_port: 1}',
        '    q: &q {ansible_port: 2, ansible_user: q}',
        '  hosts:',
        '    h1: {<<: [*p, *q]}',
      ),
      host: 'h1',
      vars: { p: { ansible_port: 1 }, q: { ansible_port: 2, ansible_user: 'q' }, ansible_port: 1, ansible_user: 'q' },
    },
    {
      name: 'a merged map that itself merges',
      yaml: yamlLines(
        'all:',
        '  vars:',
        '    base: &base {ansible_user: root}',
        '    web: &web {<<: *base, ansible_port: 8022}',
        '  hosts:',
        '    h1: {<<: *web}',
      ),
      host: 'h1',
      vars: {
        base: { ansible_user: 'root' },
        web: { ansible_user: 'root', ansible_port: 8022 },
        ansible_user: 'root',
        ansible_port: 8022,
      },
    },
    {
      name: 'a merge key in a hosts mapping brings hosts',
      yaml: yamlLines('a:', '  hosts: &hosts', '    h1: {v: 1}', 'b:', '  hosts:', '    <<: *hosts', '    h2:'),
      host: 'h1',
      vars: { v: 1 },
      groups: ['all', 'a', 'b'],
    },
    {
      name: 'a whole group given as an alias',
      yaml: yamlLines('a: &grp', '  hosts: {h1: }', '  vars: {ansible_user: u}', 'b: *grp'),
      host: 'h1',
      vars: { ansible_user: 'u' },
      groups: ['all', 'a', 'b'],
    },
    {
      name: 'a group variable whose value is an alias',
      yaml: yamlLines('a:', '  vars:', '    ports: &ports [22, 2222]', '    copy: *ports', '  hosts: {h1: }'),
      host: 'h1',
      vars: { ports: [22, 2222], copy: [22, 2222] },
    },
    {
      name: 'a quoted "<<" is an ordinary key, as in PyYAML',
      yaml: yamlLines('all:', '  hosts:', '    h1: {"<<": 1}'),
      host: 'h1',
      vars: { '<<': 1 },
    },
  ];

for (const c of resolved) {
  test(`anchors resolved: ${c.name}`, () => {
    const host = hostNamed(inventoryFrom(c.yaml), c.host);
    assert.deepEqual(host.vars, c.vars);
    if (c.groups) assert.deepEqual(host.groups, c.groups);
  });
}

const refused: Array<{ name: string; yaml: string; at: string; message: RegExp }> = [
  {
    name: 'a float host key',
    yaml: yamlLines('all:', '  hosts:', '    1.10:'),
    at: '3:5',
    message: /^host name 1\.10 is read by YAML as 1\.1, not text; expected a quoted name, e.g. "1\.10":$/,
  },
  {
    name: 'a leading-zero host key',
    yaml: yamlLines('all:', '  hosts:', '    0123: {a: 1}'),
    at: '3:5',
    message: /^host name 0123 is read by YAML as 123, not text/,
  },
  {
    name: 'a boolean host key',
    yaml: yamlLines('all:', '  hosts:', '    true:'),
    at: '3:5',
    message: /^host name true is read by YAML as true/,
  },
  {
    name: 'a numeric group name',
    yaml: yamlLines('all:', '  children:', '    2024:', '      hosts: {h: }'),
    at: '3:5',
    message: /^group name 2024 is read by YAML as 2024, not text/,
  },
  {
    name: 'a merge of a scalar',
    yaml: yamlLines('all:', '  hosts:', '    h1:', '      <<: 5'),
    at: '4:11',
    message: /^merge key "<<" is given 5; expected an alias to a mapping/,
  },
  {
    name: 'a merge list holding a list',
    yaml: yamlLines('l: &l [1]', 'all:', '  hosts:', '    h1: {<<: [*l]}'),
    at: '4:15',
    message: /^merge key "<<" is given a list; expected/,
  },
  {
    name: 'an alias with no anchor',
    yaml: yamlLines('all:', '  hosts:', '    h1: *nope'),
    at: '3:9',
    message: /^alias \*nope has no anchor before it; expected &nope defined earlier/,
  },
  {
    name: 'an alias inside its own anchor',
    yaml: yamlLines('all: &a', '  children:', '    g: *a'),
    at: '3:8',
    message: /^alias \*a is inside the node it refers to/,
  },
  {
    name: 'host vars given as an alias to a scalar say what they are',
    yaml: yamlLines('all:', '  vars: {s: &s text}', '  hosts:', '    h1: *s'),
    at: '4:9',
    message: /^host "h1" in group "all" has variables given as "text"; expected a mapping of variables \(or nothing\)$/,
  },
];

for (const c of refused) {
  test(`refused with FILE:LINE:COL: ${c.name}`, () => {
    assertInputError(() => inventoryFrom(c.yaml), `inv.yaml:${c.at}`, c.message);
  });
}

test('an alias bomb is a bad-input error naming the file, not an internal error', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i += 1) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  assertInputError(
    () => inventoryFrom(yamlLines(...levels, 'all: {hosts: {h: {v: *i}}}')),
    'inv.yaml:1:1',
    /^aliases expand to too many nodes \(more than 10000: an "alias bomb"\)/,
  );
});

test('thousands of hosts may share one anchor', () => {
  const hosts = Array.from({ length: 3000 }, (_, i) => `    h${i}: {<<: *d}`);
  const inventory = inventoryFrom(yamlLines('all:', '  vars:', '    d: &d {ansible_port: 2222}', '  hosts:', ...hosts));
  assert.equal(inventory.hosts.length, 3000);
  assert.equal(hostNamed(inventory, 'h2999').vars['ansible_port'], 2222);
});

test('field case: an aliased host is in both groups and connects as deploy', () => {
  const inventory = loadInventory(resolve(fixtures, 'inventory-alias.yaml'));
  const host = hostNamed(inventory, '192.0.2.10');
  assert.deepEqual(host.groups, ['all', 'servers', 'core_servers', 'staging']);
  assert.equal(toHostTarget(host, { user: 'local' }).user, 'deploy');
});

test('field case: a merge key gives user deploy and port 2222; positions point at the anchor', () => {
  const file = resolve(fixtures, 'inventory-merge.yaml');
  const host = hostNamed(loadInventory(file), 'web1.example.com');
  const target = toHostTarget(host, { user: 'local' });
  assert.deepEqual([target.user, target.address, target.port], ['deploy', '192.0.2.10', 2222]);
  assert.equal(Object.hasOwn(host.vars, '<<'), false);
  // Where the value is written (the anchor), since that is where a fix goes.
  assert.deepEqual(varPosition(host, 'ansible_port'), { file, line: 5, col: 21 });
  assert.deepEqual(varPosition(host, 'ansible_host'), { file, line: 11, col: 25 });
});

test('a bad value that came through a merge is reported at the anchor that wrote it', () => {
  const text = yamlLines('all:', '  vars:', '    d: &d {ansible_port: http}', '  hosts:', '    h1: {<<: *d}');
  const host = hostNamed(inventoryFrom(text), 'h1');
  assertInputError(
    () => toHostTarget(host, { user: 'u' }),
    'inv.yaml:3:26',
    /^host "h1": ansible_port: got "http"; expected an integer 1-65535$/,
  );
});
