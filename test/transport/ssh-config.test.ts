import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySshConfig, explicitFieldsOf } from '../../src/transport/apply-ssh-config.js';
import type { HostTarget } from '../../src/transport/connection.js';
import { expandTokens, lookupSshConfig, parseSshConfig } from '../../src/transport/ssh-config.js';

const config = parseSshConfig(
  [
    '# fleet',
    'IdentityFile ~/.ssh/global_key',
    'Host web* !web-old',
    '  HostName %h.prod.example.com',
    '  Port 2222',
    '  User deploy',
    '  IdentityFile ~/.ssh/web_%r',
    'Host web1',
    '  Port 2200',
    'Match host db*',
    '  User ignored',
    'Host db1',
    '  HostName=10.0.0.9',
    '  UserKnownHostsFile "/etc/fleet known_hosts" /second',
    'Host *',
    '  User fallback',
    '  Port 22',
    '',
  ].join('\n'),
  'cfg',
);

test('lookup: first value wins, IdentityFile accumulates, negation excludes, Match blocks are skipped with a note', () => {
  const table: [string, ReturnType<typeof lookupSshConfig>][] = [
    [
      'web1',
      {
        hostName: '%h.prod.example.com',
        port: 2222,
        user: 'deploy',
        identityFiles: ['~/.ssh/global_key', '~/.ssh/web_%r'],
      },
    ],
    ['web-old', { port: 22, user: 'fallback', identityFiles: ['~/.ssh/global_key'] }],
    [
      'db1',
      {
        hostName: '10.0.0.9',
        port: 22,
        user: 'fallback',
        identityFiles: ['~/.ssh/global_key'],
        userKnownHostsFiles: ['/etc/fleet known_hosts', '/second'],
      },
    ],
  ];
  for (const [alias, expected] of table) assert.deepEqual(lookupSshConfig(config, alias), expected, alias);
  assert.deepEqual(config.notes, ['cfg:10: Match blocks are not evaluated; their settings are ignored']);
});

test('tokens: %h %p %r %d %% and a leading ~', () => {
  const tokens = { host: 'web1', port: 2222, user: 'deploy', home: '/home/op' };
  assert.equal(expandTokens('%h.example.com', tokens), 'web1.example.com');
  assert.equal(expandTokens('~/.ssh/key_%r_%p', tokens), '/home/op/.ssh/key_deploy_2222');
  assert.equal(expandTokens('%d/x%%', tokens), '/home/op/x%');
  assert.equal(expandTokens('a~b', tokens), 'a~b');
});

const target = (vars: Record<string, unknown>, fields: Partial<HostTarget> = {}): HostTarget => ({
  name: 'web1',
  address: 'web1',
  port: 22,
  user: 'me',
  become: false,
  becomeUser: 'root',
  vars,
  ...fields,
});

test('inventory variables and --user beat the config; the config beats defaults', () => {
  const home = '/home/op';
  const exists = (path: string) => path === '/home/op/.ssh/web_deploy';
  const fromConfig = applySshConfig(target({}), config, explicitFieldsOf({}, false), home, exists);
  assert.deepEqual(
    [fromConfig.address, fromConfig.port, fromConfig.user, fromConfig.privateKeyFile],
    ['web1.prod.example.com', 2222, 'deploy', '/home/op/.ssh/web_deploy'],
  );
  const vars = { ansible_port: 2022, ansible_user: 'ops' };
  const explicit = applySshConfig(
    target(vars, { port: 2022, user: 'ops' }),
    config,
    explicitFieldsOf(vars, false),
    home,
    () => true,
  );
  assert.deepEqual([explicit.port, explicit.user], [2022, 'ops']);
  const flag = applySshConfig(target({}, { user: 'cli' }), config, explicitFieldsOf({}, true), home, () => false);
  assert.equal(flag.user, 'cli');
  assert.equal(flag.privateKeyFile, undefined, 'a missing IdentityFile is not used');
  const keyed = applySshConfig(
    target({}, { privateKeyFile: '/inv/key' }),
    config,
    explicitFieldsOf({}, false),
    home,
    () => true,
  );
  assert.equal(keyed.privateKeyFile, '/inv/key');
});

test('UserKnownHostsFile from the config applies only when the inventory names none', () => {
  const db = (fields: Partial<HostTarget>) =>
    applySshConfig(
      target({}, { name: 'db1', address: 'db1', ...fields }),
      config,
      explicitFieldsOf({}, false),
      '/h',
      () => false,
    );
  assert.equal(db({}).knownHostsFile, '/etc/fleet known_hosts');
  assert.deepEqual(db({}).additionalKnownHostsFiles, ['/second']);
  assert.equal(db({ knownHostsFile: '/inv/kh' }).knownHostsFile, '/inv/kh');
  assert.equal(db({ knownHostsFile: '/inv/kh' }).additionalKnownHostsFiles, undefined);
  assert.equal(db({}).address, '10.0.0.9');
});

test("GlobalKnownHostsFile: every file of the first line, ~ expanded but no %-tokens (ssh_config(5) TOKENS); the inventory's -o wins", () => {
  const cfg = parseSshConfig(
    'Host db*\n  GlobalKnownHostsFile ~/fleet_known_hosts /etc/ssh/%h_hosts\nHost *\n  GlobalKnownHostsFile /ignored\n',
  );
  assert.deepEqual(lookupSshConfig(cfg, 'db1').globalKnownHostsFiles, ['~/fleet_known_hosts', '/etc/ssh/%h_hosts']);
  const apply = (fields: Partial<HostTarget>) =>
    applySshConfig(
      target({}, { name: 'db1', address: 'db1', ...fields }),
      cfg,
      explicitFieldsOf({}, false),
      '/h',
      () => false,
    );
  assert.deepEqual(apply({}).globalKnownHostsFiles, ['/h/fleet_known_hosts', '/etc/ssh/%h_hosts']);
  assert.deepEqual(apply({ globalKnownHostsFiles: ['/inv/global'] }).globalKnownHostsFiles, ['/inv/global']);
  assert.equal(apply({}).knownHostsFile, undefined);
});
