import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownHostsName } from '../../src/transport/host-key.js';
import {
  knownKeyTypes,
  parseKnownHosts,
  selectorMatches,
  verifyHostKey,
  type HostKeyVerdict,
} from '../../src/transport/known-hosts.js';
import { fixtureKey, fixturePath, fixtureText, type FixtureKeyName } from './fixtures.js';
import { sshKeygenFindLines, sshKeygenMissing } from './keygen-helper.js';

test('parse skips comments, blank lines and lines OpenSSH cannot read', () => {
  const entries = parseKnownHosts(fixtureText('plain'));
  assert.deepEqual(
    entries.map((e) => [e.line, e.keyType]),
    [
      [2, 'ssh-ed25519'],
      [3, 'ssh-rsa'],
      [6, 'ecdsa-sha2-nistp256'],
      [7, 'ssh-ed25519'],
    ],
  );
  assert.deepEqual(entries[0]?.hosts, { kind: 'patterns', patterns: ['host-a', '10.0.0.5'] });
});

test('parse reads markers; unknown markers are skipped', () => {
  const entries = parseKnownHosts(fixtureText('markers'));
  assert.deepEqual(
    entries.map((e) => [e.line, e.marker]),
    [
      [2, 'revoked'],
      [3, null],
      [4, null],
      [5, 'cert-authority'],
    ],
  );
});

test('parse reads hashed hosts as salt and hash', () => {
  const entries = parseKnownHosts(fixtureText('hashed'));
  assert.ok(entries.length >= 4);
  for (const entry of entries) {
    assert.equal(entry.hosts.kind, 'hashed');
    if (entry.hosts.kind === 'hashed') assert.equal(entry.hosts.salt.length, 20);
  }
});

test('parse refuses a key whose blob type differs from the declared type', () => {
  const { blob } = fixtureKey('host-a.ed25519');
  assert.deepEqual(parseKnownHosts(`host ssh-rsa ${blob.toString('base64')}`), []);
});

type Case = [
  file: string,
  host: string,
  port: number,
  key: FixtureKeyName,
  expected: HostKeyVerdict['status'],
  lines?: number[],
];
const cases: Case[] = [
  ['plain', 'host-a', 22, 'host-a.ed25519', 'match'],
  ['plain', '10.0.0.5', 22, 'host-a.rsa', 'match'],
  ['plain', 'HOST-B', 22, 'host-b.ecdsa', 'match'],
  ['plain', 'host-c', 22, 'host-c.ed25519', 'match'],
  ['plain', 'host-a', 22, 'intruder.ed25519', 'changed', [2, 3]],
  ['plain', 'host-b', 22, 'host-a.ed25519', 'changed', [6]],
  ['plain', 'host-a', 2222, 'host-a.ed25519', 'match'], // no [host-a]:2222 entry: the bare one is checked too, as ssh does
  ['plain', 'host-d', 22, 'host-a.ed25519', 'unknown'],
  ['hashed', 'host-a', 22, 'host-a.ed25519', 'match'],
  ['hashed', '10.0.0.5', 22, 'host-a.ed25519', 'match'],
  ['hashed', '10.0.0.7', 2222, 'host-b.ecdsa', 'match'],
  ['hashed', '10.0.0.7', 22, 'host-b.ecdsa', 'unknown'],
  ['hashed', 'host-c', 22, 'intruder.ed25519', 'changed', [4]],
  ['ports', '10.0.0.7', 22, 'host-a.ed25519', 'match'],
  ['ports', '10.0.0.7', 2222, 'host-b.ecdsa', 'match'],
  ['ports', '10.0.0.7', 2222, 'host-a.ed25519', 'changed', [3]],
  ['ports', '10.0.0.8', 22, 'host-c.ed25519', 'unknown'],
  ['ports', 'host-b', 2200, 'host-b.ecdsa', 'match'],
  ['ports', '10.0.0.9', 2200, 'host-b.ecdsa', 'match'],
  ['wildcards', 'good.example.com', 22, 'host-a.ed25519', 'match'],
  ['wildcards', 'bad.example.com', 22, 'host-a.ed25519', 'unknown'],
  ['wildcards', '10.0.0.3', 22, 'host-b.ecdsa', 'match'],
  ['wildcards', '10.0.0.33', 22, 'host-b.ecdsa', 'unknown'],
  ['wildcards', 'x.example.org', 2222, 'host-c.ed25519', 'match'],
  ['wildcards', 'x.example.org', 22, 'host-c.ed25519', 'unknown'],
  ['wildcards', 'WEB7.example.net', 22, 'host-c.ed25519', 'match'],
  ['markers', 'host-a', 22, 'intruder.ed25519', 'revoked'],
  ['markers', 'elsewhere', 22, 'intruder.ed25519', 'revoked'],
  ['markers', 'host-a', 22, 'host-a.rsa', 'match'],
  ['markers', 'host-a', 22, 'host-a.ed25519', 'changed', [3, 4]],
  ['markers', 'x.example.com', 22, 'ca.ed25519', 'certificate-unverifiable'], // the CA key is no host key, and certificates cannot be checked
];

test('verifyHostKey on the fixtures', () => {
  for (const [file, host, port, key, expected, lines] of cases) {
    const { keyType, blob } = fixtureKey(key);
    const verdict = verifyHostKey(parseKnownHosts(fixtureText(file)), host, port, keyType, blob);
    const label = `${file}: ${host}:${port} ${key}`;
    assert.equal(verdict.status, expected, label);
    if (verdict.status === 'changed') {
      assert.deepEqual(
        verdict.expected.map((e) => e.line),
        lines,
        label,
      );
      for (const e of verdict.expected) assert.match(e.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/, label);
    }
  }
});

test('knownKeyTypes lists trusted types only (not revoked, not CA)', () => {
  assert.deepEqual(knownKeyTypes(parseKnownHosts(fixtureText('plain')), 'host-a', 22), ['ssh-ed25519', 'ssh-rsa']);
  assert.deepEqual(knownKeyTypes(parseKnownHosts(fixtureText('markers')), 'host-a', 22), ['ssh-ed25519', 'ssh-rsa']);
  assert.deepEqual(knownKeyTypes(parseKnownHosts(fixtureText('markers')), 'x.example.com', 22), []);
});

test('host matching agrees with ssh-keygen -F on every fixture', { skip: sshKeygenMissing() }, () => {
  const lookups: [string, number][] = [
    ['host-a', 22],
    ['10.0.0.5', 22],
    ['HOST-B', 22],
    ['host-c', 22],
    ['10.0.0.7', 22],
    ['10.0.0.7', 2222],
    ['10.0.0.8', 22],
    ['host-b', 2200],
    ['good.example.com', 22],
    ['bad.example.com', 22],
    ['10.0.0.33', 22],
    ['x.example.org', 2222],
    ['web7.example.net', 22],
    ['elsewhere', 22],
    ['x.example.com', 22],
  ];
  for (const file of ['plain', 'hashed', 'ports', 'wildcards', 'markers']) {
    const entries = parseKnownHosts(fixtureText(file));
    for (const [host, port] of lookups) {
      const name = knownHostsName(host, port);
      const ours = entries.filter((e) => selectorMatches(e.hosts, name)).map((e) => e.line);
      assert.deepEqual(ours, sshKeygenFindLines(fixturePath(file), name), `${file}: ${name}`);
    }
  }
});
