import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatListHosts, formatSyntaxOk, knownSecrets, withSecretCapture } from '../../src/cli/run-habits.js';
import type { HostTarget } from '../../src/transport/connection.js';

const target = (name: string, fields: Partial<HostTarget> = {}): HostTarget => ({
  name,
  address: name,
  port: 22,
  user: 'u',
  become: true,
  becomeUser: 'root',
  vars: {},
  ...fields,
});

describe('formatListHosts', () => {
  it('run: the playbook, then each batch with its hosts, as ansible-playbook --list-hosts', () => {
    assert.equal(
      formatListHosts('tune.yaml', 'web', [['a'], ['b', 'c']]),
      '\nplaybook: tune.yaml\n\n  run (web): 3 hosts in 2 batches\n    batch 1/2:\n      hosts (1):\n        a\n    batch 2/2:\n      hosts (2):\n        b\n        c\n',
    );
  });
  it('run: one host, one batch', () =>
    assert.match(formatListHosts('p.yaml', 'all', [['a']]), /run \(all\): 1 host in 1 batch\n/));
  it('check: one host list, as ansible --list-hosts', () =>
    assert.equal(formatListHosts(null, 'all', [['a', 'b']]), '\n  hosts (2):\n    a\n    b\n'));
  it('no hosts', () => assert.equal(formatListHosts(null, 'all', [[]]), '\n  hosts (0):\n'));
});

describe('formatSyntaxOk', () => {
  it('prints the playbook name as ansible-playbook --syntax-check', () =>
    assert.equal(formatSyntaxOk('tune.yaml'), '\nplaybook: tune.yaml\n'));
});

describe('secrets for -v', () => {
  it('knows the env vars and the inventory password vars', () => {
    const env = { CONNTRACK_FLEET_BECOME_PASSWORD: 'envpw', CONNTRACK_FLEET_SSH_PASSPHRASE: 'phrase', HOME: '/root' };
    const targets = [
      target('a', { vars: { ansible_become_pass: 'invpw', ansible_port: 22 } }),
      target('b', { vars: { ansible_ssh_pass: 'sshpw' } }),
    ];
    assert.deepEqual([...knownSecrets(targets, env)].sort(), ['envpw', 'invpw', 'phrase', 'sshpw']);
  });
  it('learns a -K password when sudo asks for it, and passes it on unchanged', async () => {
    const secrets = new Set<string>();
    const [captured, plain] = withSecretCapture(
      [target('a', { becomePassword: async () => 'asked' }), target('b')],
      secrets,
    );
    assert.equal(secrets.size, 0, 'nothing is asked for up front');
    assert.equal(await captured?.becomePassword?.(), 'asked');
    assert.deepEqual([...secrets], ['asked']);
    assert.equal(plain?.becomePassword, undefined);
  });
});
