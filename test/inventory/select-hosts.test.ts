import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitHosts, selectHosts } from '../../src/inventory/select-hosts.js';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { inventoryFrom } from './inventory-from.js';

// Inventory order: web1 web2 web3 db1 db2 lb1.example.com solo
const inventory = inventoryFrom(
  yamlLines(
    'all:',
    '  hosts:',
    '    solo:',
    '  children:',
    '    prod:',
    '      children:',
    '        web:',
    '          hosts: {web1: , web2: , web3: }',
    '        db:',
    '          hosts: {db1: , db2: }',
    '    canary:',
    '      hosts: {web1: , db1: }',
    '    lb:',
    '      hosts: {lb1.example.com: }',
    '    empty:',
  ),
);
const order = ['solo', 'web1', 'web2', 'web3', 'db1', 'db2', 'lb1.example.com'];

const selections: Array<[string, string[]]> = [
  ['all', order],
  ['*', order],
  ['web', ['web1', 'web2', 'web3']],
  ['prod', ['web1', 'web2', 'web3', 'db1', 'db2']],
  ['web2', ['web2']],
  ['ungrouped', ['solo']],
  ['db:web', ['web1', 'web2', 'web3', 'db1', 'db2']], // union, inventory order
  ['db,web2', ['web2', 'db1', 'db2']],
  ['prod:!canary', ['web2', 'web3', 'db2']],
  ['prod:&canary', ['web1', 'db1']],
  ['!canary:web:&prod', ['web2', 'web3']], // unions, then &, then !
  ['!prod', ['solo', 'lb1.example.com']], // only exclusions start from all
  ['&canary', ['web1', 'db1']],
  ['web*', ['web1', 'web2', 'web3']],
  ['w?b[!2]', ['web1', 'web3']],
  ['*.example.com', ['lb1.example.com']],
  ['~(web|db)1$', ['web1', 'db1']],
  ['~db', ['db1', 'db2']],
  ['lb1.example.com', ['lb1.example.com']],
  ['web[0]', ['web1']],
  ['web[-1]', ['web3']],
  ['web[1:2]', ['web2', 'web3']], // inclusive, as Ansible
  ['prod[3:]', ['db1', 'db2']],
  ['empty:web1', ['web1']], // an existing empty group is not an error
  ['all:!empty', order],
];

for (const [pattern, want] of selections) {
  test(`"${pattern}" selects ${want.join(' ')}`, () => {
    assert.deepEqual(
      selectHosts(inventory, pattern).map((h) => h.name),
      want,
    );
  });
}

const at = { file: 'pb.yaml', line: 2, col: 8 };
const misses: Array<[string, RegExp]> = [
  [
    'dbx',
    /^host pattern "dbx": no group or host named "dbx" \(did you mean "db"\?\); expected a group \(all, canary, db, empty, lb, prod, ungrouped, web\), a host of inv\.yaml/,
  ],
  ['web:dbx', /no group or host named "dbx"/],
  ['web:!nope', /no group or host named "nope"/],
  ['cache*', /"cache\*" matches no group or host; expected a group/],
  ['~^x', /"~\^x" matches no group or host/],
  // Digits in brackets are a subscript, as in Ansible, not a character class.
  ['web[12]', /index 12 in "web\[12\]" is out of range/],
  ['web[3]', /index 3 in "web\[3\]" is out of range; expected an index within 0-2 of "web"/],
  ['empty', /^host pattern "empty" selects no hosts \(empty → 0\); expected a pattern that selects at least one host$/],
  ['web:&db', /selects no hosts \(web → 3, &db → 2\)/],
  ['canary:!canary', /selects no hosts/],
];

for (const [pattern, message] of misses) {
  test(`"${pattern}" is an InputError at the pattern's position`, () => {
    assertInputError(() => selectHosts(inventory, pattern, at), 'pb.yaml:2:8', message);
  });
}

test('--limit intersects with the playbook hosts, keeping inventory order', () => {
  const hosts = selectHosts(inventory, 'prod');
  assert.deepEqual(
    limitHosts(hosts, inventory, 'canary:solo').map((h) => h.name),
    ['web1', 'db1'],
  );
  assert.deepEqual(
    limitHosts(hosts, inventory, '!db').map((h) => h.name),
    ['web1', 'web2', 'web3'],
  );
});

test('--limit errors name the flag, and have no file position', () => {
  const hosts = selectHosts(inventory, 'web');
  assertInputError(() => limitHosts(hosts, inventory, 'nope'), null, /^--limit "nope": no group or host named "nope"/);
  assertInputError(
    () => limitHosts(hosts, inventory, 'db'),
    null,
    /^--limit "db" leaves none of the playbook's hosts; expected a pattern matching one of: web1, web2, web3$/,
  );
});
