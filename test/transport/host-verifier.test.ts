import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { createHostKeyCheck, orderHostKeyAlgorithms } from '../../src/transport/host-verifier.js';
import { loadKnownHosts } from '../../src/transport/known-hosts-file.js';
import { fixtureKey, fixturePath, type FixtureKeyName } from './fixtures.js';

test('orderHostKeyAlgorithms puts known key types first, rsa-sha2-* standing for ssh-rsa', () => {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  assert.deepEqual(orderHostKeyAlgorithms([]), all);
  assert.deepEqual(orderHostKeyAlgorithms(['ssh-rsa']).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual(orderHostKeyAlgorithms(['ecdsa-sha2-nistp256', 'ssh-ed25519']).slice(0, 2), ['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  assert.deepEqual([...orderHostKeyAlgorithms(['ssh-rsa'])].sort(), [...all].sort());
});

async function check(fixture: string, host: string, key: FixtureKeyName, acceptNewHostKeys: boolean) {
  const knownHostsFile = join(mkdtempSync(join(tmpdir(), 'ctf-hv-')), 'known_hosts');
  copyFileSync(fixturePath(fixture), knownHostsFile);
  const before = readFileSync(knownHostsFile, 'utf8');
  const hostCheck = createHostKeyCheck({
    target: { name: 'web1', address: host, port: 22 },
    knownHostsFile,
    entries: await loadKnownHosts(knownHostsFile),
    acceptNewHostKeys,
    homeDir: '/nonexistent',
  });
  const permitted = await new Promise<boolean | undefined>((resolve) => hostCheck.verifier(fixtureKey(key).blob, resolve));
  const after = readFileSync(knownHostsFile, 'utf8');
  return { permitted, refusal: hostCheck.refusal(), added: after.slice(before.length) };
}

test('host key decisions, with and without --accept-new-host-keys', async () => {
  const cases: [string, string, FixtureKeyName, boolean, ConnectError['failure'] | null, boolean][] = [
    // fixture, host, presented key, acceptNew, refusal, appended
    ['plain', 'host-a', 'host-a.ed25519', false, null, false],
    ['plain', 'new-host', 'host-a.ed25519', false, 'host-key-unknown', false],
    ['plain', 'new-host', 'host-a.ed25519', true, null, true],
    ['plain', 'host-a', 'intruder.ed25519', false, 'host-key-changed', false],
    ['plain', 'host-a', 'intruder.ed25519', true, 'host-key-changed', false],
    ['markers', 'elsewhere', 'intruder.ed25519', true, 'host-key-revoked', false],
  ];
  for (const [fixture, host, key, accept, refusal, appended] of cases) {
    const label = `${fixture} ${host} ${key} accept=${accept}`;
    const result = await check(fixture, host, key, accept);
    assert.equal(result.permitted, refusal === null, label);
    assert.equal(result.refusal?.failure ?? null, refusal, label);
    assert.equal(result.added, appended ? `${host} ssh-ed25519 ${fixtureKey(key).blob.toString('base64')}\n` : '', label);
  }
});

test('the unknown-key refusal carries the fingerprint and the fix', async () => {
  const { refusal } = await check('plain', 'new-host', 'host-c.ed25519', false);
  assert.ok(refusal instanceof ConnectError);
  assert.match(refusal.message, /^web1 \(new-host:22\): host key not in .*known_hosts \(ssh-ed25519 SHA256:[\w+/]{43}\)/);
  assert.match(refusal.message, /ssh-keyscan -p 22 new-host >> /);
});
