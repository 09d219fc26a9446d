import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { createHostKeyCheck, orderHostKeyAlgorithms } from '../../src/transport/host-verifier.js';
import { loadKnownHostsFiles } from '../../src/transport/known-hosts-file.js';
import { fixtureKey, fixturePath, type FixtureKeyName } from './fixtures.js';

test('orderHostKeyAlgorithms puts known key types first, rsa-sha2-* standing for ssh-rsa', () => {
  const all = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  assert.deepEqual(orderHostKeyAlgorithms([]), all);
  assert.deepEqual(orderHostKeyAlgorithms(['ssh-rsa']).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual(orderHostKeyAlgorithms(['ecdsa-sha2-nistp256', 'ssh-ed25519']).slice(0, 2), [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
  ]);
  assert.deepEqual([...orderHostKeyAlgorithms(['ssh-rsa'])].sort(), [...all].sort());
});

/** `fixture` as the user file; `globalFixture` (if any) copied as the only global file. */
async function check(
  fixture: string,
  host: string,
  key: FixtureKeyName,
  acceptNewHostKeys: boolean,
  globalFixture?: string,
  port = 22,
) {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-hv-'));
  const knownHostsFile = join(dir, 'known_hosts');
  copyFileSync(fixturePath(fixture), knownHostsFile);
  const global: string[] = [];
  if (globalFixture) {
    global.push(join(dir, 'ssh_known_hosts'));
    copyFileSync(fixturePath(globalFixture), join(dir, 'ssh_known_hosts'));
  }
  const before = readFileSync(knownHostsFile, 'utf8');
  const files = { user: [knownHostsFile], global };
  const notices: string[] = [];
  const hostCheck = createHostKeyCheck({
    target: { name: 'web1', address: host, port },
    files,
    entries: await loadKnownHostsFiles(files),
    acceptNewHostKeys,
    homeDir: '/nonexistent',
    onHostKeyAdded: (notice) => notices.push(notice),
  });
  const permitted = await new Promise<boolean | undefined>((resolve) =>
    hostCheck.verifier(fixtureKey(key).blob, resolve),
  );
  const after = readFileSync(knownHostsFile, 'utf8');
  return { permitted, refusal: hostCheck.refusal(), added: after.slice(before.length), notices };
}

test('host key decisions, with and without --accept-new-host-keys', async () => {
  const cases: [string, string, FixtureKeyName, boolean, ConnectError['failure'] | null, boolean, string?][] = [
    // fixture, host, presented key, acceptNew, refusal, appended, global fixture
    ['plain', 'host-a', 'host-a.ed25519', false, null, false],
    ['plain', 'new-host', 'host-a.ed25519', false, 'host-key-unknown', false],
    ['plain', 'new-host', 'host-a.ed25519', true, null, true],
    ['plain', 'host-a', 'intruder.ed25519', false, 'host-key-changed', false],
    ['plain', 'host-a', 'intruder.ed25519', true, 'host-key-changed', false],
    ['markers', 'elsewhere', 'intruder.ed25519', true, 'host-key-revoked', false],
    // host-b is pinned to host-b.ecdsa in the global file only
    ['wildcards', 'host-b', 'host-b.ecdsa', false, null, false, 'plain'],
    ['wildcards', 'host-b', 'host-a.ed25519', true, 'host-key-changed', false, 'plain'],
    // a.example.com is covered by @cert-authority *.example.com (markers) and nothing pins its plain key
    ['ports', 'a.example.com', 'host-a.ed25519', true, 'host-key-unknown', false, 'markers'],
  ];
  for (const [fixture, host, key, accept, refusal, appended, globalFixture] of cases) {
    const label = `${fixture}+${globalFixture ?? '-'} ${host} ${key} accept=${accept}`;
    const result = await check(fixture, host, key, accept, globalFixture);
    assert.equal(result.permitted, refusal === null, label);
    assert.equal(result.refusal?.failure ?? null, refusal, label);
    assert.equal(
      result.added,
      appended ? `${host} ssh-ed25519 ${fixtureKey(key).blob.toString('base64')}\n` : '',
      label,
    );
  }
});

test('the unknown-key refusal carries the fingerprint and the fix', async () => {
  const { refusal } = await check('plain', 'new-host', 'host-c.ed25519', false);
  assert.ok(refusal instanceof ConnectError);
  assert.match(
    refusal.message,
    /^web1 \(new-host:22\): host key not in .*known_hosts \(ssh-ed25519 SHA256:[\w+/]{43}\)/,
  );
  assert.match(refusal.message, /ssh-keyscan -p 22 new-host >> /);
});

test('a key added on first use is announced once, with its SHA256 fingerprint', async () => {
  const { notices, added } = await check('plain', 'new-host', 'host-c.ed25519', true, undefined, 2222);
  assert.match(added, /^\[new-host\]:2222 ssh-ed25519 /);
  assert.equal(notices.length, 1);
  assert.match(
    notices[0] ?? '',
    /^web1: permanently added '\[new-host\]:2222' \(ssh-ed25519 SHA256:[\w+/]{43}\) to \/.*known_hosts$/,
  );
});

test('a host covered by @cert-authority is refused with the reason, never trusted on first use', async () => {
  const { refusal, added, notices } = await check('ports', 'a.example.com', 'host-a.ed25519', true, 'markers');
  assert.match(refusal?.message ?? '', /@cert-authority .*cannot be verified/);
  assert.equal(added, '');
  assert.deepEqual(notices, []);
});
