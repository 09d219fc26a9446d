import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { test } from 'node:test';
import { parseAnsibleBool, toHostTarget } from '../../src/inventory/host-target.js';
import type { InventoryHost } from '../../src/inventory/types.js';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { hostNamed, inventoryFrom } from './inventory-from.js';

const defaults = { user: 'me' };
const bare = (vars: Record<string, unknown>): InventoryHost => ({ name: 'h1', vars, groups: ['all', 'ungrouped'] });

test('defaults: address is the name, port 22, the given user, no become', () => {
  const vars = { custom: 1 };
  assert.deepEqual(toHostTarget(bare(vars), defaults), {
    name: 'h1',
    address: 'h1',
    port: 22,
    user: 'me',
    become: false,
    becomeUser: 'root',
    vars,
  });
});

const fields: Array<[string, Record<string, unknown>, Partial<Record<string, unknown>>]> = [
  [
    'ansible_host/port/user',
    { ansible_host: '10.0.0.5', ansible_port: 2222, ansible_user: 'ops' },
    { address: '10.0.0.5', port: 2222, user: 'ops' },
  ],
  ['a numeric string port', { ansible_port: '2200' }, { port: 2200 }],
  [
    'ansible_ssh_* aliases win, as in Ansible',
    {
      ansible_host: 'a',
      ansible_ssh_host: 'b',
      ansible_port: 1,
      ansible_ssh_port: 2,
      ansible_user: 'u',
      ansible_ssh_user: 'v',
    },
    { address: 'b', port: 2, user: 'v' },
  ],
  ['a null alias is ignored', { ansible_host: 'a', ansible_ssh_host: null }, { address: 'a' }],
  ['become true', { ansible_become: true }, { become: true, becomeUser: 'root' }],
  [
    'become "yes" and a become user',
    { ansible_become: 'yes', ansible_become_user: 'admin' },
    { become: true, becomeUser: 'admin' },
  ],
  ['become "False"', { ansible_become: 'False' }, { become: false }],
  ['become with sudo method', { ansible_become: 1, ansible_become_method: 'sudo' }, { become: true }],
  ['su method without become is irrelevant', { ansible_become: false, ansible_become_method: 'su' }, { become: false }],
  ['key file ~ expanded', { ansible_ssh_private_key_file: '~/.ssh/id' }, { privateKeyFile: `${homedir()}/.ssh/id` }],
  ['absolute key file', { ansible_private_key_file: '/keys/id' }, { privateKeyFile: '/keys/id' }],
  [
    'known hosts from common args',
    { ansible_ssh_common_args: '-o UserKnownHostsFile=~/kh' },
    { knownHostsFile: `${homedir()}/kh` },
  ],
  [
    'known hosts from extra args',
    { ansible_ssh_extra_args: '-o StrictHostKeyChecking=yes -oUserKnownHostsFile=/kh' },
    { knownHostsFile: '/kh' },
  ],
  [
    'common args win over extra args',
    { ansible_ssh_common_args: '-o UserKnownHostsFile=/a', ansible_ssh_extra_args: '-o UserKnownHostsFile=/b' },
    { knownHostsFile: '/a' },
  ],
  [
    'several user known hosts files',
    { ansible_ssh_common_args: `-o 'UserKnownHostsFile=/a ~/b'` },
    { knownHostsFile: '/a', additionalKnownHostsFiles: [`${homedir()}/b`] },
  ],
  [
    'global known hosts files',
    { ansible_ssh_extra_args: `-o 'GlobalKnownHostsFile=~/g /etc/g2'` },
    { globalKnownHostsFiles: [`${homedir()}/g`, '/etc/g2'], knownHostsFile: undefined },
  ],
];

for (const [name, vars, want] of fields) {
  test(name, () => {
    const target = toHostTarget(bare(vars), defaults);
    for (const [key, value] of Object.entries(want)) assert.deepEqual(target[key as keyof typeof target], value, key);
  });
}

test('Ansible booleans', () => {
  for (const v of [true, 1, 'yes', 'Y', 'on', 'TRUE', 't', '1', ' yes '])
    assert.equal(parseAnsibleBool(v), true, String(v));
  for (const v of [false, 0, 'no', 'N', 'off', 'false', 'f', '0']) assert.equal(parseAnsibleBool(v), false, String(v));
  for (const v of ['maybe', 2, null, {}]) assert.equal(parseAnsibleBool(v), undefined, String(v));
});

// Errors point at the variable's value where the winning value was written.
const inventory = inventoryFrom(
  yamlLines(
    'all:',
    '  vars:',
    '    ansible_become: perhaps', //                     3:21
    '  hosts:',
    '    p1: {ansible_port: "abc"}', //                   5:24
    '    p2: {ansible_port: 0, ansible_become: false}', // 6:24
    '    p3: {ansible_ssh_port: 70000, ansible_become: no}', // 7:28
    '    m1: {ansible_become: yes, ansible_become_method: su}', // 8:54
    '    a1: {ansible_become: off, ansible_ssh_common_args: "-o \'x"}', // 9:56
    '    u1: {ansible_become: 0, ansible_user: "two words"}', // 10:43
    '    k1: {ansible_become: 0, ansible_ssh_private_key_file: keys/id}', // 11:59
  ),
  '/etc/fleet/inv.yaml',
);

const errors: Array<[string, string, RegExp]> = [
  ['p1', '5:24', /^host "p1": ansible_port: got "abc"; expected an integer 1-65535$/],
  ['p2', '6:24', /ansible_port: got 0; expected an integer 1-65535/],
  ['p3', '7:28', /ansible_ssh_port: got 70000; expected an integer 1-65535/],
  ['m1', '8:54', /ansible_become_method: got "su"; expected "sudo", the only become method supported/],
  [
    'a1',
    '9:56',
    /ansible_ssh_common_args: got "-o 'x"; expected ssh arguments with balanced quotes \(unterminated ' quote\)/,
  ],
  ['u1', '10:43', /ansible_user: got "two words"; expected a user name \(letters, digits/],
];

for (const [host, at, message] of errors) {
  test(`${host}: error at /etc/fleet/inv.yaml:${at}`, () => {
    assertInputError(() => toHostTarget(hostNamed(inventory, host), defaults), `/etc/fleet/inv.yaml:${at}`, message);
  });
}

test('an inherited bad value is reported where the group wrote it', () => {
  const p1 = hostNamed(inventory, 'p1');
  // Same host with a valid port: the next problem is ansible_become, inherited from all.vars.
  const fixed: InventoryHost = { ...p1, vars: { ...p1.vars, ansible_port: 22 } };
  assertInputError(() => toHostTarget(fixed, defaults), null, /ansible_become: got "perhaps"; expected a boolean/);
  const inherited = inventoryFrom(yamlLines('all:', '  vars:', '    ansible_become: perhaps', '  hosts: {h: }'));
  assertInputError(
    () => toHostTarget(hostNamed(inherited, 'h'), defaults),
    'inv.yaml:3:21',
    /^host "h": ansible_become: got "perhaps"; expected a boolean \(true\/false, yes\/no\)$/,
  );
});

test('a relative key file resolves against the directory of the inventory that sets it', () => {
  assert.equal(toHostTarget(hostNamed(inventory, 'k1'), defaults).privateKeyFile, '/etc/fleet/keys/id');
});

test('a host built by hand still gets a message naming host and variable', () => {
  assertInputError(
    () => toHostTarget(bare({ ansible_port: 'x' }), defaults),
    null,
    /^host "h1": ansible_port: got "x"/,
  );
});

test('ansible_become_password and its aliases give the sudo password (the later alias wins, as in Ansible)', async () => {
  const cases: [Record<string, unknown>, string | undefined][] = [
    [{ ansible_become: true }, undefined],
    [{ ansible_become: true, ansible_become_password: 'p w' }, 'p w'],
    [{ ansible_become: true, ansible_become_pass: 'alias' }, 'alias'],
    [{ ansible_become: true, ansible_become_password: 'first', ansible_become_pass: 'later' }, 'later'],
    [{ ansible_become: true, ansible_sudo_pass: 1234 }, '1234'],
  ];
  for (const [vars, expected] of cases) {
    const target = toHostTarget(bare(vars), defaults);
    assert.equal(await target.becomePassword?.(), expected, JSON.stringify(vars));
  }
});

test('a become password that is not one line of text is bad input that does not show the value', () => {
  for (const value of ['two\nlines', '', { nested: 'x' }]) {
    assert.throws(
      () => toHostTarget(bare({ ansible_become: true, ansible_become_password: value }), defaults),
      (error: Error) =>
        error.name === 'InputError' && /one line of text/.test(error.message) && !error.message.includes('two'),
    );
  }
});

test('a become password that is a Jinja2 template (a vault variable) is bad input on a host that becomes, never sent to sudo', async () => {
  for (const value of ['{{ vault_become_pass }}', "{{ lookup('env', 'PW') }}", '{% if x %}a{% endif %}']) {
    assert.throws(
      () => toHostTarget(bare({ ansible_become: true, ansible_become_password: value }), defaults),
      (error: Error) =>
        error.name === 'InputError' &&
        /ansible_become_password is a Jinja2 template, which conntrack-fleet does not evaluate/.test(error.message) &&
        /CONNTRACK_FLEET_BECOME_PASSWORD or -K/.test(error.message) &&
        !error.message.includes('vault_become_pass') &&
        !error.message.includes("lookup('env'"),
    );
  }
  // not used without become; braces that are not a template are a password like any other
  const unused = toHostTarget(bare({ ansible_become_password: '{{ vault_become_pass }}' }), defaults);
  assert.equal(unused.become, false);
  const braces = toHostTarget(bare({ ansible_become: true, ansible_become_password: 'a{b}c{{d' }), defaults);
  assert.equal(await braces.becomePassword?.(), 'a{b}c{{d');
});

test('an inline !vault become password is refused as vault-encrypted, not as "not one line"', () => {
  const cipher = '$ANSIBLE_VAULT;1.1;AES256\n6162636465\n';
  assert.throws(
    () => toHostTarget(bare({ ansible_become: true, ansible_become_password: cipher }), defaults),
    (error: Error) =>
      error.name === 'InputError' &&
      /ansible_become_password is encrypted with ansible-vault \(!vault\), which conntrack-fleet cannot decrypt/.test(
        error.message,
      ) &&
      !error.message.includes('6162636465'),
  );
});
