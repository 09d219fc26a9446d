import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { applySshConfig, explicitFieldsOf } from '../../src/transport/apply-ssh-config.js';
import type { HostTarget } from '../../src/transport/connection.js';
import {
  describeHopFailure,
  parseJumpSpec,
  parseProxyJump,
  type JumpHost,
  type JumpSpec,
  type ProxySetting,
} from '../../src/transport/proxy-jump.js';
import { resolveRoute, type RouteContext } from '../../src/transport/proxy-route.js';
import { lookupSshConfig, parseSshConfig } from '../../src/transport/ssh-config.js';

const specs: [string, JumpSpec | RegExp][] = [
  ['bastion', { host: 'bastion' }],
  ['ops@bastion', { host: 'bastion', user: 'ops' }],
  ['ops@bastion:2222', { host: 'bastion', user: 'ops', port: 2222 }],
  ['10.0.0.1:22', { host: '10.0.0.1', port: 22 }],
  ['[fe80::1]:2200', { host: 'fe80::1', port: 2200 }],
  ['ops@[::1]', { host: '::1', user: 'ops' }],
  ['ssh://ops@bastion:2222', { host: 'bastion', user: 'ops', port: 2222 }],
  ['ssh://bastion/', { host: 'bastion' }],
  ['a@b@bastion', { host: 'bastion', user: 'a@b' }], // ssh splits at the LAST @
  ['bastion:0', /port must be 1-65535/],
  ['bastion:99999', /port must be 1-65535/],
  ['bastion:x', /not \[user@\]host\[:port\]/],
  ['@bastion', /not \[user@\]host\[:port\]/],
  ['', /not \[user@\]host\[:port\]/],
  ['fe80::1', /not \[user@\]host\[:port\]/],
];

for (const [text, want] of specs) {
  test(`jump spec ${JSON.stringify(text)}`, () => {
    const got = parseJumpSpec(text);
    if (want instanceof RegExp) assert.match(String(got), want);
    else assert.deepEqual(got, want);
  });
}

test('ProxyJump lists hops in order; none disables; one bad hop fails the whole value', () => {
  assert.deepEqual(parseProxyJump('a, ops@b:2', 'src'), {
    kind: 'jump',
    jumps: [{ host: 'a' }, { host: 'b', user: 'ops', port: 2 }],
    source: 'src',
  });
  assert.deepEqual(parseProxyJump('NONE', 'src'), { kind: 'none', source: 'src' });
  assert.match(String(parseProxyJump('a,,b', 'src')), /^ProxyJump "" is not/);
});

const config = parseSshConfig(
  [
    'Host web*',
    '  ProxyJump bastion',
    '  ProxyCommand nc %h %p', // later: ProxyJump came first and wins
    'Host legacy',
    '  ProxyCommand ssh -W %h:%p bastion',
    '  ProxyJump bastion',
    'Host direct',
    '  ProxyJump none',
    'Host broken',
    '  ProxyJump ops@',
    'Host inner',
    '  ProxyJump outer',
    'Host outer',
    '  HostName 192.0.2.10',
    '  Port 2201',
    '  User jumper',
    '  IdentityFile ~/.ssh/outer_%r',
    '  UserKnownHostsFile ~/.ssh/outer_known',
    'Host loop1',
    '  ProxyJump loop2',
    'Host loop2',
    '  ProxyJump loop1',
    'Host bastion',
    '  HostName 192.0.2.1',
    '  ProxyJump far',
    'Host *.internal',
    '  ProxyJump fallback', // first obtained value still wins for the hosts above
    'Host *',
    '  User everyone',
    '',
  ].join('\n'),
  'cfg',
);

test('config: whichever of ProxyJump/ProxyCommand comes first wins, per host', () => {
  const kinds = ['web1', 'legacy', 'direct', 'broken', 'db.internal', 'other'].map(
    (alias) => lookupSshConfig(config, alias).proxy?.kind,
  );
  assert.deepEqual(kinds, ['jump', 'command', 'none', 'invalid', 'jump', undefined]);
  assert.deepEqual(lookupSshConfig(config, 'db.internal').proxy, {
    kind: 'jump',
    jumps: [{ host: 'fallback' }],
    source: 'ssh config "Host *.internal" (line 26)',
  });
});

const context: RouteContext = {
  config,
  home: '/home/op',
  localUser: 'me',
  fileExists: (path) => path === '/home/op/.ssh/outer_jumper',
};

test('route: each hop gets its OWN Host block; ProxyJump user/port beat it; the local user is the default', () => {
  const route = resolveRoute(parseProxyJump('outer,ops@bastion:2022', 'inv') as ProxySetting, context);
  assert.deepEqual(route, {
    kind: 'jump',
    hops: [
      {
        name: 'outer',
        address: '192.0.2.10',
        port: 2201,
        user: 'jumper',
        privateKeyFile: '/home/op/.ssh/outer_jumper',
        knownHostsFile: '/home/op/.ssh/outer_known',
      },
      // bastion's own ProxyJump (far) is overridden by the hop before it, as in `ssh -J outer bastion`
      { name: 'bastion', address: '192.0.2.1', port: 2022, user: 'ops' },
    ],
  });
});

test("route: a hop's own ProxyJump is followed (web7 → bastion → far)", () => {
  const route = resolveRoute(lookupSshConfig(config, 'web7').proxy, context);
  assert.equal(route.kind, 'jump');
  assert.deepEqual(route.kind === 'jump' && route.hops.map((h) => `${h.user}@${h.address}:${h.port}`), [
    'everyone@far:22',
    'everyone@192.0.2.1:22',
  ]);
  const inner = resolveRoute(parseProxyJump('inner', 'inv') as ProxySetting, context);
  assert.deepEqual(inner.kind === 'jump' && inner.hops.map((h) => h.name), ['outer', 'inner']);
});

test("route: a target's ProxyCommand is kept verbatim (quotes are the shell's), with the alias for %n", () => {
  const withQuotes = parseSshConfig('Host q\n  ProxyCommand sh -c "nc %h %p"  \n', 'cfg');
  assert.deepEqual(resolveRoute(lookupSshConfig(withQuotes, 'q').proxy, context, 'q'), {
    kind: 'command',
    command: 'sh -c "nc %h %p"',
    source: 'ssh config "Host q" (line 1)',
    alias: 'q',
  });
});

test('route: none and no setting are direct; a bad value, a loop and a hop needing a ProxyCommand are refused', () => {
  assert.deepEqual(resolveRoute(undefined, context), { kind: 'direct' });
  assert.deepEqual(resolveRoute({ kind: 'none', source: 'x' }, context), { kind: 'direct' });
  const refused = (setting: ProxySetting | undefined) => {
    const route = resolveRoute(setting, context);
    assert.equal(route.kind, 'refused');
    return route.kind === 'refused' ? route.reason : '';
  };
  assert.match(refused(lookupSshConfig(config, 'broken').proxy), /line 9.*ProxyJump "ops@" is not/);
  assert.match(refused(parseProxyJump('loop1', 'inv') as ProxySetting), /more than 10 jump hosts/);
  // a hop that itself needs a ProxyCommand cannot be reached either
  assert.match(
    refused(parseProxyJump('legacy', 'inv') as ProxySetting),
    /^jump host legacy: ProxyCommand \(ssh config "Host legacy" \(line 4\)\) is not supported for a jump host/,
  );
});

const target = (fields: Partial<HostTarget> = {}): HostTarget => ({
  name: 'web1',
  address: 'web1',
  port: 22,
  user: 'me',
  become: false,
  becomeUser: 'root',
  vars: {},
  ...fields,
});

test('applySshConfig: inventory -J/-o beat the config, `none` included; without either the config decides', () => {
  const apply = (fields: Partial<HostTarget>) =>
    applySshConfig(target(fields), config, explicitFieldsOf({}, false), '/home/op', () => false).route;
  const hopNames = (fields: Partial<HostTarget>) => {
    const route = apply(fields);
    return route?.kind === 'jump' ? route.hops.map((h) => h.name) : route?.kind;
  };
  assert.deepEqual(hopNames({}), ['far', 'bastion']);
  assert.deepEqual(hopNames({ address: 'db.internal' }), ['fallback']);
  assert.deepEqual(hopNames({ proxy: { kind: 'none', source: 'inv' } }), 'direct');
  assert.deepEqual(hopNames({ proxy: parseProxyJump('outer', 'inv') as ProxySetting }), ['outer']);
  assert.deepEqual(hopNames({ address: 'direct' }), 'direct');
  // ssh matches Host patterns against ansible_host when set: that alias, not the inventory name, picks the block
  assert.deepEqual(hopNames({ address: 'legacy' }), 'command');
});

describe('describeHopFailure: a jump host that cannot log in is named, with where its credentials come from', () => {
  const hop: JumpHost = { name: 'bastion', address: '192.0.2.10', port: 22, user: 'ops' };

  it("a key file error of the hop says it is the jump host's, and that the target's key does not apply", () => {
    const error = describeHopFailure(
      hop,
      new ConnectError('auth', 'cannot read private key /home/ops/.ssh/id_ed25519: ENOENT'),
    );
    assert.ok(error instanceof ConnectError && error.failure === 'auth');
    assert.equal(
      error.message,
      'jump host bastion (192.0.2.10:22): cannot read private key /home/ops/.ssh/id_ed25519: ENOENT; it logs in as ops with no IdentityFile, ' +
        'so the default ~/.ssh/id_* keys and ssh-agent; set User and IdentityFile in a "Host bastion" block of the ssh config (-F) — ' +
        "the target's ansible_user and key do not apply to a jump host",
    );
  });

  it('an auth failure that already names the hop is not named twice; its IdentityFile is shown', () => {
    const said = 'jump host bastion (192.0.2.10:22): authentication as ops failed; tried key /k';
    const error = describeHopFailure({ ...hop, privateKeyFile: '/k' }, new ConnectError('auth', said)) as Error;
    assert.ok(error.message.startsWith(`${said}; it logs in as ops with key /k from its IdentityFile;`), error.message);
  });

  it('other failures (unreachable, host keys) are returned as they are', () => {
    const unreachable = new ConnectError('unreachable', 'jump host bastion (192.0.2.10:22): connection refused');
    assert.equal(describeHopFailure(hop, unreachable), unreachable);
    const plain = new Error('x');
    assert.equal(describeHopFailure(hop, plain), plain);
  });
});
