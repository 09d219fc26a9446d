import assert from 'node:assert/strict';
import { test } from 'node:test';
import { varPosition } from '../../src/inventory/var-positions.js';
import { yamlLines } from '../config/input-error-assert.js';
import { hostNamed, inventoryFrom } from './inventory-from.js';

interface Case {
  name: string;
  yaml: string;
  /** host → expected subset of its vars */
  vars?: Record<string, Record<string, unknown>>;
  /** host → expected groups, in merge order */
  groups?: Record<string, string[]>;
  order?: string[];
}

const cases: Case[] = [
  {
    name: 'group vars are inherited through nested children',
    yaml: yamlLines(
      'all:',
      '  vars: {a: 1}',
      '  children:',
      '    prod:',
      '      vars: {b: 2}',
      '      children:',
      '        web:',
      '          hosts: {w1: }',
    ),
    vars: { w1: { a: 1, b: 2 } },
    groups: { w1: ['all', 'prod', 'web'] },
  },
  {
    name: 'a deeper group overrides its parents',
    yaml: yamlLines(
      'all:',
      '  vars: {x: all}',
      '  children:',
      '    prod:',
      '      vars: {x: prod}',
      '      children:',
      '        web:',
      '          vars: {x: web}',
      '          hosts: {w1: }',
    ),
    vars: { w1: { x: 'web' } },
  },
  {
    name: 'groups at the same depth merge alphabetically, whatever the file order',
    yaml: yamlLines('zeta:', '  vars: {x: zeta}', '  hosts: {h: }', 'alpha:', '  vars: {x: alpha}', '  hosts: {h: }'),
    vars: { h: { x: 'zeta' } },
    groups: { h: ['all', 'alpha', 'zeta'] },
  },
  {
    name: 'ansible_group_priority beats the alphabet at the same depth',
    yaml: yamlLines(
      'alpha:',
      '  vars: {x: alpha, ansible_group_priority: 10}',
      '  hosts: {h: }',
      'zeta:',
      '  vars: {x: zeta}',
      '  hosts: {h: }',
    ),
    vars: { h: { x: 'alpha' } },
    groups: { h: ['all', 'zeta', 'alpha'] },
  },
  {
    name: 'depth beats priority',
    yaml: yamlLines(
      'top:',
      '  vars: {x: top, ansible_group_priority: 99}',
      '  children:',
      '    deep:',
      '      vars: {x: deep}',
      '      hosts: {h: }',
    ),
    vars: { h: { x: 'deep' } },
  },
  {
    name: 'depth is the longest path from all',
    yaml: yamlLines(
      'a:',
      '  children:',
      '    b:',
      '      children:',
      '        c:',
      '          vars: {x: c}',
      'd:',
      '  vars: {x: d}',
      '  children:',
      '    c:',
      '      hosts: {h: }',
    ),
    vars: { h: { x: 'c' } },
    groups: { h: ['all', 'a', 'd', 'b', 'c'] },
  },
  {
    name: 'host vars override every group var',
    yaml: yamlLines(
      'all:',
      '  vars: {x: all}',
      '  children:',
      '    web:',
      '      vars: {x: web}',
      '      hosts:',
      '        w1: {x: host}',
    ),
    vars: { w1: { x: 'host' } },
  },
  {
    name: 'a host in several groups is one host, placed where it first appears, with vars from every listing',
    yaml: yamlLines(
      'web:',
      '  hosts:',
      '    h1: {a: 1, b: 1}',
      '    h2:',
      'db:',
      '  hosts:',
      '    h3:',
      '    h1: {b: 2}',
    ),
    vars: { h1: { a: 1, b: 2 } },
    groups: { h1: ['all', 'db', 'web'] },
    order: ['h1', 'h2', 'h3'],
  },
  {
    name: 'hosts only under all are ungrouped; unknown vars are kept as written',
    yaml: yamlLines(
      'all:',
      '  hosts:',
      '    lone: {custom: {nested: [1, 2]}}',
      '  children:',
      '    web:',
      '      hosts: {w1: }',
    ),
    vars: { lone: { custom: { nested: [1, 2] } } },
    groups: { lone: ['all', 'ungrouped'], w1: ['all', 'web'] },
    order: ['lone', 'w1'],
  },
  {
    name: 'a host listed in ungrouped and in a real group leaves ungrouped',
    yaml: yamlLines('ungrouped:', '  hosts: {h: }', 'web:', '  hosts: {h: }'),
    groups: { h: ['all', 'web'] },
  },
  {
    name: 'ranges and host:port expand like Ansible',
    yaml: yamlLines('web:', '  hosts:', '    w[08:10].ex:', '    db:2222:', '    n[a:c]:'),
    order: ['w08.ex', 'w09.ex', 'w10.ex', 'db', 'na', 'nb', 'nc'],
    vars: { db: { ansible_port: 2222 } },
  },
  {
    name: 'a plain string is accepted for hosts and children',
    yaml: yamlLines('prod:', '  children: web', 'web:', '  hosts: w1'),
    groups: { w1: ['all', 'prod', 'web'] },
  },
  {
    name: 'a group defined twice merges its definitions',
    yaml: yamlLines(
      'all:',
      '  children:',
      '    web:',
      '      vars: {a: 1}',
      'web:',
      '  vars: {b: 2}',
      '  hosts: {w1: }',
    ),
    vars: { w1: { a: 1, b: 2 } },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const inventory = inventoryFrom(c.yaml);
    for (const [host, vars] of Object.entries(c.vars ?? {})) {
      const actual = hostNamed(inventory, host).vars;
      for (const [key, value] of Object.entries(vars)) assert.deepEqual(actual[key], value, `${host}.${key}`);
    }
    for (const [host, groups] of Object.entries(c.groups ?? {}))
      assert.deepEqual(hostNamed(inventory, host).groups, groups, host);
    if (c.order)
      assert.deepEqual(
        inventory.hosts.map((h) => h.name),
        c.order,
      );
  });
}

test('implicit groups exist in an empty inventory', () => {
  const inventory = inventoryFrom('');
  assert.deepEqual(inventory.hosts, []);
  assert.deepEqual([...inventory.groups.keys()].sort(), ['all', 'ungrouped']);
  assert.deepEqual(inventory.groups.get('ungrouped')?.parents, ['all']);
});

test('groups record depth, parents, children, direct hosts and own vars', () => {
  const inventory = inventoryFrom(
    yamlLines(
      'all:',
      '  children:',
      '    prod:',
      '      vars: {p: 1}',
      '      children:',
      '        web:',
      '          hosts: {w1: , w2: }',
    ),
  );
  const prod = inventory.groups.get('prod');
  const web = inventory.groups.get('web');
  assert.equal(prod?.depth, 1);
  assert.deepEqual(prod?.hosts, []);
  assert.deepEqual(prod?.vars, { p: 1 });
  assert.deepEqual(prod?.children, ['web']);
  assert.equal(web?.depth, 2);
  assert.deepEqual(web?.parents, ['prod']);
  assert.deepEqual(web?.hosts, ['w1', 'w2']);
  assert.deepEqual(web?.vars, {});
  assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, []);
});

test('each effective variable remembers where its winning value was written', () => {
  const inventory = inventoryFrom(
    yamlLines(
      'all:',
      '  vars:',
      '    x: all',
      '    y: all',
      '  children:',
      '    web:',
      '      vars:',
      '        x: web',
      '      hosts:',
      '        w1: {z: 1}',
    ),
  );
  const host = hostNamed(inventory, 'w1');
  assert.deepEqual(varPosition(host, 'y'), { file: 'inv.yaml', line: 4, col: 8 });
  assert.deepEqual(varPosition(host, 'x'), { file: 'inv.yaml', line: 8, col: 12 });
  assert.deepEqual(varPosition(host, 'z'), { file: 'inv.yaml', line: 10, col: 17 });
  assert.equal(varPosition(host, 'nope'), undefined);
});
