import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprintSha256, formatKnownHostsLine, knownHostsName, readKeyType } from '../../src/transport/host-key.js';
import { parseKnownHosts, verifyHostKey } from '../../src/transport/known-hosts.js';
import { fixtureKey, fixtureKeyNames, fixturePublicKeyFile } from './fixtures.js';
import { sshKeygenFingerprint, sshKeygenMissing } from './keygen-helper.js';

test('readKeyType reads the type string at the start of each fixture blob', () => {
  for (const name of fixtureKeyNames) {
    const { keyType, blob } = fixtureKey(name);
    assert.equal(readKeyType(blob), keyType, name);
  }
});

test('readKeyType rejects malformed blobs', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['short length', Buffer.from([0, 0, 0])],
    ['length past the end', Buffer.from([0, 0, 0, 9, 0x61])],
    ['zero length', Buffer.from([0, 0, 0, 0])],
    ['control characters', Buffer.from([0, 0, 0, 2, 0x0a, 0x0b])],
  ];
  for (const [label, blob] of cases) assert.equal(readKeyType(blob), null, label);
});

test('fingerprints equal what ssh-keygen -lf prints', { skip: sshKeygenMissing() }, () => {
  for (const name of fixtureKeyNames) {
    const { blob } = fixtureKey(name);
    assert.equal(fingerprintSha256(blob), sshKeygenFingerprint(fixturePublicKeyFile(name)), name);
  }
});

test('knownHostsName writes port 22 bare and other ports as [host]:port, lower-cased', () => {
  const cases: [string, number, string][] = [
    ['10.0.0.5', 22, '10.0.0.5'],
    ['10.0.0.5', 2222, '[10.0.0.5]:2222'],
    ['Web1.Example.COM', 22, 'web1.example.com'],
    ['::1', 2200, '[::1]:2200'],
  ];
  for (const [host, port, expected] of cases) assert.equal(knownHostsName(host, port), expected);
});

test('formatKnownHostsLine produces a line that verifies as a match', () => {
  const { keyType, blob } = fixtureKey('host-b.ecdsa');
  for (const port of [22, 2222]) {
    const line = formatKnownHostsLine('10.0.0.9', port, blob);
    assert.match(
      line,
      port === 22 ? /^10\.0\.0\.9 ecdsa-sha2-nistp256 / : /^\[10\.0\.0\.9\]:2222 ecdsa-sha2-nistp256 /,
    );
    assert.deepEqual(verifyHostKey(parseKnownHosts(line), '10.0.0.9', port, keyType, blob), { status: 'match' });
  }
});
