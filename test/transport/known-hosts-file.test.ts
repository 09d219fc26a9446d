import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acceptHostKey, chooseKnownHostsFile, loadKnownHosts } from '../../src/transport/known-hosts-file.js';
import { verifyHostKey } from '../../src/transport/known-hosts.js';
import { fixtureKey } from './fixtures.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ctf-kh-'));

test('chooseKnownHostsFile: option, then target, then ~/.ssh/known_hosts', () => {
  const cases: [string | undefined, string | undefined, string][] = [
    ['/opt/run', '/opt/inventory', '/opt/run'],
    [undefined, '/opt/inventory', '/opt/inventory'],
    [undefined, undefined, '/home/u/.ssh/known_hosts'],
    [undefined, '~/.ssh/fleet_hosts', '/home/u/.ssh/fleet_hosts'],
  ];
  for (const [fromOptions, fromTarget, expected] of cases) {
    assert.equal(chooseKnownHostsFile({ knownHostsFile: fromOptions }, { knownHostsFile: fromTarget }, '/home/u'), expected);
  }
});

test('a missing file has no entries', async () => {
  assert.deepEqual(await loadKnownHosts(join(tempDir(), 'nope')), []);
});

test('the file is read once per process (later edits are not seen until an append)', async () => {
  const file = join(tempDir(), 'known_hosts');
  const a = fixtureKey('host-a.ed25519');
  writeFileSync(file, `host-a ${a.keyType} ${a.blob.toString('base64')}\n`);
  assert.equal((await loadKnownHosts(file)).length, 1);
  writeFileSync(file, '');
  assert.equal((await loadKnownHosts(file)).length, 1);
});

test('acceptHostKey creates ~/.ssh 0700 and the file 0600, writes bare or [host]:port, and invalidates the cache', async () => {
  const file = join(tempDir(), 'home', '.ssh', 'known_hosts');
  const a = fixtureKey('host-a.ed25519');
  const b = fixtureKey('host-b.ecdsa');
  assert.deepEqual(await loadKnownHosts(file), []);
  assert.deepEqual(await acceptHostKey(file, '10.0.0.5', 22, a.blob), { status: 'match' });
  assert.deepEqual(await acceptHostKey(file, '10.0.0.5', 2222, b.blob), { status: 'match' });
  assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(
    readFileSync(file, 'utf8'),
    `10.0.0.5 ${a.keyType} ${a.blob.toString('base64')}\n[10.0.0.5]:2222 ${b.keyType} ${b.blob.toString('base64')}\n`,
  );
  const entries = await loadKnownHosts(file);
  assert.deepEqual(verifyHostKey(entries, '10.0.0.5', 2222, b.keyType, b.blob), { status: 'match' });
});

test('acceptHostKey starts on a new line when the file lacks a final newline', async () => {
  const file = join(tempDir(), 'known_hosts');
  writeFileSync(file, '# no newline at the end');
  await acceptHostKey(file, 'host-c', 22, fixtureKey('host-c.ed25519').blob);
  assert.match(readFileSync(file, 'utf8'), /^# no newline at the end\nhost-c ssh-ed25519 \S+\n$/);
});

test('concurrent accepts append whole lines once, and a different key arriving later is "changed"', async () => {
  const file = join(tempDir(), 'known_hosts');
  const hosts = Array.from({ length: 20 }, (_, i) => `10.1.0.${i}`);
  const a = fixtureKey('host-a.rsa');
  const results = await Promise.all([
    ...hosts.map((h) => acceptHostKey(file, h, 22, a.blob)),
    ...hosts.map((h) => acceptHostKey(file, h, 22, a.blob)),
    acceptHostKey(file, hosts[0] ?? '', 22, fixtureKey('intruder.ed25519').blob),
  ]);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.sort(), hosts.map((h) => `${h} ssh-rsa ${a.blob.toString('base64')}`).sort());
  assert.deepEqual(results.slice(0, 40).map((r) => r.status), Array(40).fill('match'));
  assert.equal(results[40]?.status, 'changed');
});
