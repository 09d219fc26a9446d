import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  acceptHostKey,
  chooseKnownHostsFiles,
  loadKnownHosts,
  loadKnownHostsFiles,
  type KnownHostsFiles,
} from '../../src/transport/known-hosts-file.js';
import { verifyHostKey } from '../../src/transport/known-hosts.js';
import { fixtureKey } from './fixtures.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ctf-kh-'));
/** Only the user file: nothing of the machine's /etc/ssh takes part. */
const only = (file: string): KnownHostsFiles => ({ user: [file], global: [] });

test('chooseKnownHostsFiles: option, then target (inventory -o / ssh_config), then the ssh_config(5) defaults', () => {
  type Side = { knownHostsFile?: string; additionalKnownHostsFiles?: string[]; globalKnownHostsFiles?: string[] };
  const etc = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const cases: [string, Side, Side, KnownHostsFiles][] = [
    ['defaults', {}, {}, { user: ['/home/u/.ssh/known_hosts', '/home/u/.ssh/known_hosts2'], global: etc }],
    [
      'option wins over target',
      { knownHostsFile: '/opt/run' },
      { knownHostsFile: '/opt/inv', additionalKnownHostsFiles: ['/opt/inv2'] },
      { user: ['/opt/run'], global: etc },
    ],
    [
      'target with further files',
      {},
      { knownHostsFile: '/opt/inv', additionalKnownHostsFiles: ['~/b'] },
      { user: ['/opt/inv', '/home/u/b'], global: etc },
    ],
    [
      'target ~ expanded',
      {},
      { knownHostsFile: '~/.ssh/fleet_hosts' },
      { user: ['/home/u/.ssh/fleet_hosts'], global: etc },
    ],
    [
      'global option wins',
      { globalKnownHostsFiles: ['/g/run'] },
      { globalKnownHostsFiles: ['/g/inv'] },
      { user: ['/home/u/.ssh/known_hosts', '/home/u/.ssh/known_hosts2'], global: ['/g/run'] },
    ],
    [
      'global from target',
      {},
      { globalKnownHostsFiles: ['/g/inv', '/g/inv2'] },
      { user: ['/home/u/.ssh/known_hosts', '/home/u/.ssh/known_hosts2'], global: ['/g/inv', '/g/inv2'] },
    ],
    ['none reads no file', {}, { knownHostsFile: 'none', globalKnownHostsFiles: ['none'] }, { user: [], global: [] }],
  ];
  for (const [label, options, target, expected] of cases) {
    assert.deepEqual(chooseKnownHostsFiles(options, target, '/home/u'), expected, label);
  }
});

test('loadKnownHostsFiles: user files then global files, each entry tagged with its file; missing files are empty', async () => {
  const dir = tempDir();
  const a = fixtureKey('host-a.ed25519');
  const b = fixtureKey('host-b.ecdsa');
  writeFileSync(join(dir, 'user'), `host-a ${a.keyType} ${a.blob.toString('base64')}\n`);
  writeFileSync(join(dir, 'global'), `# global\nhost-b ${b.keyType} ${b.blob.toString('base64')}\n`);
  const entries = await loadKnownHostsFiles({
    user: [join(dir, 'user'), join(dir, 'absent')],
    global: [join(dir, 'global')],
  });
  assert.deepEqual(
    entries.map((e) => [e.file, e.line, e.keyType]),
    [
      [join(dir, 'user'), 1, a.keyType],
      [join(dir, 'global'), 2, b.keyType],
    ],
  );
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
  const first = await acceptHostKey(only(file), '10.0.0.5', 22, a.blob);
  assert.deepEqual(first, {
    verdict: { status: 'match' },
    added: { file, line: `10.0.0.5 ${a.keyType} ${a.blob.toString('base64')}` },
  });
  assert.deepEqual((await acceptHostKey(only(file), '10.0.0.5', 2222, b.blob)).verdict, { status: 'match' });
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
  await acceptHostKey(only(file), 'host-c', 22, fixtureKey('host-c.ed25519').blob);
  assert.match(readFileSync(file, 'utf8'), /^# no newline at the end\nhost-c ssh-ed25519 \S+\n$/);
});

test('concurrent accepts append whole lines once, and a different key arriving later is "changed"', async () => {
  const file = join(tempDir(), 'known_hosts');
  const hosts = Array.from({ length: 20 }, (_, i) => `10.1.0.${i}`);
  const a = fixtureKey('host-a.rsa');
  const results = await Promise.all([
    ...hosts.map((h) => acceptHostKey(only(file), h, 22, a.blob)),
    ...hosts.map((h) => acceptHostKey(only(file), h, 22, a.blob)),
    acceptHostKey(only(file), hosts[0] ?? '', 22, fixtureKey('intruder.ed25519').blob),
  ]);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.sort(), hosts.map((h) => `${h} ssh-rsa ${a.blob.toString('base64')}`).sort());
  assert.deepEqual(
    results.slice(0, 40).map((r) => r.verdict.status),
    Array(40).fill('match'),
  );
  assert.equal(results.filter((r) => r.added !== null).length, hosts.length, 'each key is reported added once');
  assert.equal(results[40]?.verdict.status, 'changed');
});

test('acceptHostKey re-reads every file: a key pinned differently in a global file is "changed" and nothing is written', async () => {
  const dir = tempDir();
  const user = join(dir, 'known_hosts');
  const global = join(dir, 'ssh_known_hosts');
  const a = fixtureKey('host-a.ed25519');
  writeFileSync(global, `[10.0.0.5]:2222 ${a.keyType} ${a.blob.toString('base64')}\n`);
  const result = await acceptHostKey(
    { user: [user], global: [global] },
    '10.0.0.5',
    2222,
    fixtureKey('intruder.ed25519').blob,
  );
  assert.equal(result.verdict.status, 'changed');
  assert.equal(result.added, null);
  assert.throws(() => statSync(user), /ENOENT/);
});

test('acceptHostKey with no user file (UserKnownHostsFile none) adds nothing and leaves the host unknown', async () => {
  const result = await acceptHostKey({ user: [], global: [] }, '10.0.0.5', 22, fixtureKey('host-a.ed25519').blob);
  assert.deepEqual(result, { verdict: { status: 'unknown' }, added: null });
});
