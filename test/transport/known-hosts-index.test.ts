/**
 * The known_hosts name index must find exactly what a scan of every entry finds, in file order: literal names in any
 * case, wildcards, negations, hashed entries, several names per line, markers. And the merged entries of a file list
 * are the same array until a file is re-read, so the index is built once per fleet, not once per host.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHmac, randomBytes } from 'node:crypto';
import { candidateEntries } from '../../src/transport/known-hosts-index.js';
import { acceptHostKey, loadKnownHostsFiles } from '../../src/transport/known-hosts-file.js';
import { parseKnownHosts, selectorMatches, type KnownHostsEntry } from '../../src/transport/known-hosts.js';
import { fixtureKey } from './fixtures.js';

const key = fixtureKey('host-a.ed25519');
const keyText = `${key.keyType} ${key.blob.toString('base64')}`;

/** An OpenSSH hashed host field (`HashKnownHosts yes`): |1|salt|HMAC-SHA1(salt, name)|. */
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const text = [
  `web1.example.com ${keyText}`,
  `*.example.com ${keyText}`,
  `WEB2.Example.COM,10.0.0.2 ${keyText}`,
  `[10.0.0.3]:2222 ${keyText}`,
  `*.example.com,!web1.example.com ${keyText}`,
  `${hashed('web3.example.com')} ${keyText}`,
  `@revoked web1.example.com ${keyText}`,
  `@cert-authority *.example.com ${keyText}`,
  `web1.example.com,web1.example.com ${keyText}`,
  `10.0.0.?,web9 ${keyText}`,
].join('\n');

test('candidateEntries + match finds exactly what matching every entry finds, in file order', () => {
  const entries = parseKnownHosts(text, 'kh');
  const names = [
    'web1.example.com',
    'Web1.Example.com',
    'web2.example.com',
    '10.0.0.2',
    '10.0.0.3',
    '[10.0.0.3]:2222',
    'web3.example.com',
    'web9',
    'other.org',
    '',
  ];
  for (const name of names) {
    const scan = entries.filter((e) => selectorMatches(e.hosts, name));
    const indexed = candidateEntries(entries, name).filter((e) => selectorMatches(e.hosts, name));
    assert.deepEqual(indexed.map(lineOf), scan.map(lineOf), name);
  }
});

const lineOf = (e: KnownHostsEntry) => e.line;

test('candidateEntries leaves out literal entries for other names', () => {
  const entries = parseKnownHosts(text, 'kh');
  // only the wildcard, negated, hashed, cert-authority and `?` lines are candidates for a name listed nowhere
  assert.deepEqual(candidateEntries(entries, 'other.org').map(lineOf), [2, 5, 6, 8, 10]);
});

test('loadKnownHostsFiles gives the same array until a file of the list is re-read (an append)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-kh-index-'));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `web1.example.com ${keyText}\n`);
  const files = { user: [file], global: [] };
  const first = await loadKnownHostsFiles(files);
  assert.equal(await loadKnownHostsFiles(files), first);
  await acceptHostKey(files, 'new.example.com', 22, key.blob);
  const after = await loadKnownHostsFiles(files);
  assert.notEqual(after, first);
  assert.deepEqual(
    after.map((e) => (e.hosts.kind === 'patterns' ? e.hosts.patterns.join(',') : 'hashed')),
    ['web1.example.com', 'new.example.com'],
  );
});
