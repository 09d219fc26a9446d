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
    'Match host db*,!db2',
    '  User matched',
    'Match exec "test -e /x"',
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

test('lookup: first value wins, IdentityFile accumulates, negation excludes, Match host applies, Match exec is skipped with a note', () => {
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
        user: 'matched',
        identityFiles: ['~/.ssh/global_key'],
        userKnownHostsFiles: ['/etc/fleet known_hosts', '/second'],
      },
    ],
  ];
  for (const [alias, expected] of table) assert.deepEqual(lookupSshConfig(config, alias), expected, alias);
  assert.equal(lookupSshConfig(config, 'db2').user, 'fallback', 'Match host db*,!db2');
  assert.deepEqual(config.notes, ['cfg:12: Match exec is not evaluated; the settings of its block are ignored']);
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

test('Match: criteria as ssh evaluates them on its first pass (readconf.c match_cfg_line)', () => {
  const cfg = parseSshConfig(
    [
      'Host alias1',
      '  HostName 10.1.1.1',
      'Match host 10.1.*',
      '  Port 2201',
      'Match originalhost alias1 user ops',
      '  IdentityFile ~/.ssh/ops',
      'Match !localuser me',
      '  IdentityFile ~/.ssh/not-me',
      'Match all',
      '  User deploy',
      'Match user deploy host web?',
      '  Port 2202',
      '',
    ].join('\n'),
  );
  const me = { localUser: 'me' };
  // `host` sees the HostName obtained so far; `user` the command line's user, else the User so far
  assert.deepEqual(lookupSshConfig(cfg, 'alias1', me), {
    hostName: '10.1.1.1',
    port: 2201,
    user: 'deploy',
    identityFiles: [],
  });
  assert.deepEqual(lookupSshConfig(cfg, 'alias1', { ...me, user: 'ops' }).identityFiles, ['~/.ssh/ops']);
  assert.deepEqual(lookupSshConfig(cfg, 'web1', { localUser: 'you' }), {
    port: 2202,
    user: 'deploy',
    identityFiles: ['~/.ssh/not-me'],
  });
  assert.deepEqual(cfg.notes, []);
});

test('Include: the files take the place of the line, and apply only where the block holding it applies', () => {
  const files: Record<string, string> = {
    'conf.d/*.conf': 'Host inc1\n  HostName 10.2.2.2\nPort 2299\n',
    'web-defaults': 'User webuser\nHost never\n  User nobody\n',
  };
  const read = (word: string) => (files[word] === undefined ? [] : [{ file: `/h/.ssh/${word}`, text: files[word] }]);
  const cfg = parseSshConfig(
    [
      'Include conf.d/*.conf missing/*',
      'Host web*',
      '  Include web-defaults',
      '  Port 2202',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'),
    'cfg',
    read,
  );
  assert.deepEqual(lookupSshConfig(cfg, 'inc1', { localUser: 'me' }), {
    hostName: '10.2.2.2',
    port: 2299,
    user: 'fallback',
    identityFiles: [],
  });
  // the included file's Host block does not reset the enclosing `Host web*`: its Port line still applies to web1
  assert.deepEqual(lookupSshConfig(cfg, 'web1', { localUser: 'me' }), {
    port: 2202,
    user: 'webuser',
    identityFiles: [],
  });
  assert.deepEqual(lookupSshConfig(cfg, 'db1', { localUser: 'me' }), { user: 'fallback', identityFiles: [] });
  assert.deepEqual(cfg.notes, []);
  assert.deepEqual(parseSshConfig('Include x\n', 'cfg').notes, ['cfg:1: Include is not followed']);
  assert.throws(
    () => parseSshConfig('Include self\n', 'cfg', () => [{ file: '/h/.ssh/self', text: 'Include self\n' }]),
    /Include nested more than 16 deep/,
  );
});
