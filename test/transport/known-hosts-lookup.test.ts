/**
 * verifyHostKey as OpenSSH decides (sshconnect.c check_host_key, hostfile.c check_hostkeys_by_key_or_type), over a
 * user file and a global file together: files × entry kinds × ports × hashed × revoked × @cert-authority.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { parseKnownHosts, verifyHostKey, type HostKeyVerdict } from '../../src/transport/known-hosts.js';
import { fixtureKey, fixtureText, type FixtureKeyName } from './fixtures.js';

const keyNames = {
  A: 'host-a.ed25519',
  R: 'host-a.rsa',
  B: 'host-b.ecdsa',
  X: 'intruder.ed25519',
  CA: 'ca.ed25519',
} as const;
type Key = keyof typeof keyNames;
const key = (k: Key) => fixtureKey(keyNames[k] as FixtureKeyName);
const text = (k: Key) => `${key(k).keyType} ${key(k).blob.toString('base64')}`;
/** The `|1|salt|hash` form `ssh-keygen -H` writes (HMAC-SHA1 of the name keyed by the salt; sshd(8) SSH_KNOWN_HOSTS FILE FORMAT). */
const hashed = (name: string) => {
  const salt = Buffer.alloc(20, name.length);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

const USER = '/home/u/.ssh/known_hosts';
const GLOBAL = '/etc/ssh/ssh_known_hosts';
/** `file:line` of the keys a verdict points at. */
type Where = `${'user' | 'global'}:${number}`;
type Case = [
  label: string,
  user: string[],
  global: string[],
  host: string,
  port: number,
  presented: Key,
  status: HostKeyVerdict['status'],
  where?: Where[],
];

const cases: Case[] = [
  ['port entry', [`[10.0.0.5]:2222 ${text('A')}`], [], '10.0.0.5', 2222, 'A', 'match'],
  ['field case: bare entry, non-22 port', [`10.0.0.5 ${text('A')}`], [], '10.0.0.5', 2222, 'A', 'match'],
  [
    'field case: hashed bare entry, non-22 port',
    [`${hashed('10.0.0.5')} ${text('A')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'match',
  ],
  ['bare entry in the global file, non-22 port', [], [`10.0.0.5 ${text('A')}`], '10.0.0.5', 2222, 'A', 'match'],
  ['port entry only in the global file', [], [`[10.0.0.5]:2222 ${text('A')}`], '10.0.0.5', 2222, 'A', 'match'],
  ['only in the global file, port 22', [], [`10.0.0.5 ${text('A')}`], '10.0.0.5', 22, 'A', 'match'],
  [
    'bare entry with a DIFFERENT key, no port entry: unknown, not changed (ROQUIET)',
    [`10.0.0.5 ${text('X')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'unknown',
  ],
  [
    'hashed bare entry with a different key: unknown',
    [`${hashed('10.0.0.5')} ${text('X')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'unknown',
  ],
  [
    'port entry differs, bare entry matches: changed (no fallback)',
    [`[10.0.0.5]:2222 ${text('X')}`, `10.0.0.5 ${text('A')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'changed',
    ['user:1'],
  ],
  [
    'hashed port entry differs: changed',
    [`${hashed('[10.0.0.5]:2222')} ${text('X')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'changed',
    ['user:1'],
  ],
  [
    'pinned differently in the global file only: changed',
    [],
    [`[10.0.0.5]:2222 ${text('X')}`],
    '10.0.0.5',
    2222,
    'A',
    'changed',
    ['global:1'],
  ],
  [
    'pinned differently in the global file, port 22: changed',
    [],
    [`# global`, `10.0.0.5 ${text('X')}`],
    '10.0.0.5',
    22,
    'A',
    'changed',
    ['global:2'],
  ],
  [
    'equal key in the user file, another in the global file: match',
    [`10.0.0.5 ${text('A')}`],
    [`10.0.0.5 ${text('X')}`],
    '10.0.0.5',
    22,
    'A',
    'match',
  ],
  [
    'equal key in the global file, another in the user file: match',
    [`10.0.0.5 ${text('X')}`],
    [`10.0.0.5 ${text('A')}`],
    '10.0.0.5',
    22,
    'A',
    'match',
  ],
  [
    'other keys in both files: changed, both listed',
    [`10.0.0.5 ${text('R')}`],
    [`10.0.0.5 ${text('B')}`],
    '10.0.0.5',
    22,
    'A',
    'changed',
    ['user:1', 'global:1'],
  ],
  [
    'only another key TYPE is listed: changed (hostfile.c rule 3)',
    [`10.0.0.5 ${text('R')}`],
    [],
    '10.0.0.5',
    22,
    'A',
    'changed',
    ['user:1'],
  ],
  ['port entry is not used for port 22', [`[10.0.0.5]:2222 ${text('A')}`], [], '10.0.0.5', 22, 'A', 'unknown'],
  ['[host]:22 is never looked up', [`[10.0.0.5]:22 ${text('A')}`], [], '10.0.0.5', 22, 'A', 'unknown'],
  [
    'wildcard bare entry, non-22 port (matches only without port)',
    [`10.0.0.* ${text('A')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'match',
  ],
  [
    '"*" covers [host]:port itself: a different key is changed',
    [`* ${text('X')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'changed',
    ['user:1'],
  ],
  ['negated pattern excludes the host', [`*,!10.0.0.5 ${text('X')}`], [], '10.0.0.5', 22, 'A', 'unknown'],
  ['no files: unknown', [], [], '10.0.0.5', 2222, 'A', 'unknown'],
  [
    '@revoked in the global file beats a user pin',
    [`10.0.0.5 ${text('A')}`],
    [`@revoked * ${text('A')}`],
    '10.0.0.5',
    22,
    'A',
    'revoked',
    ['global:1'],
  ],
  [
    '@revoked for [host]:port beats a matching bare entry',
    [`@revoked [10.0.0.5]:2222 ${text('A')}`, `10.0.0.5 ${text('A')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'revoked',
    ['user:1'],
  ],
  [
    '@revoked for the bare name only, non-22 port: refused (stricter than OpenSSH)',
    [`@revoked 10.0.0.5 ${text('A')}`],
    [],
    '10.0.0.5',
    2222,
    'A',
    'revoked',
    ['user:1'],
  ],
  [
    '@revoked another key: no effect',
    [`@revoked * ${text('X')}`, `10.0.0.5 ${text('A')}`],
    [],
    '10.0.0.5',
    22,
    'A',
    'match',
  ],
  [
    '@cert-authority covers the host, key not pinned: unverifiable',
    [`@cert-authority *.example.com ${text('CA')}`],
    [],
    'db.example.com',
    22,
    'A',
    'certificate-unverifiable',
    ['user:1'],
  ],
  [
    '@cert-authority in the global file, non-22 port',
    [],
    [`@cert-authority *.example.com ${text('CA')}`],
    'db.example.com',
    2222,
    'A',
    'certificate-unverifiable',
    ['global:1'],
  ],
  [
    '@cert-authority with [host]:port pattern',
    [`@cert-authority [*.example.com]:2222 ${text('CA')}`],
    [],
    'db.example.com',
    2222,
    'A',
    'certificate-unverifiable',
    ['user:1'],
  ],
  [
    '@cert-authority plus the pinned plain key: match',
    [`@cert-authority *.example.com ${text('CA')}`],
    [`db.example.com ${text('A')}`],
    'db.example.com',
    22,
    'A',
    'match',
  ],
  [
    '@cert-authority plus a different pinned key: changed',
    [`@cert-authority *.example.com ${text('CA')}`, `db.example.com ${text('X')}`],
    [],
    'db.example.com',
    22,
    'A',
    'changed',
    ['user:2'],
  ],
  [
    '@cert-authority for other hosts: unknown',
    [`@cert-authority *.example.com ${text('CA')}`],
    [],
    '10.0.0.5',
    22,
    'A',
    'unknown',
  ],
  [
    'the CA key itself is not a host key',
    [`@cert-authority *.example.com ${text('CA')}`],
    [],
    'db.example.com',
    22,
    'CA',
    'certificate-unverifiable',
    ['user:1'],
  ],
];

function where(verdict: HostKeyVerdict): Where[] | undefined {
  const label = (k: { file: string; line: number }): Where => `${k.file === USER ? 'user' : 'global'}:${k.line}`;
  if (verdict.status === 'changed') return verdict.expected.map(label);
  if (verdict.status === 'revoked') return [label(verdict.revokedBy)];
  if (verdict.status === 'certificate-unverifiable') return verdict.authorities.map(label);
  return undefined;
}

test('verifyHostKey over user and global files decides as OpenSSH', () => {
  for (const [label, user, global, host, port, presented, status, expectedWhere] of cases) {
    const entries = [...parseKnownHosts(user.join('\n'), USER), ...parseKnownHosts(global.join('\n'), GLOBAL)];
    const verdict = verifyHostKey(entries, host, port, key(presented).keyType, key(presented).blob);
    assert.equal(verdict.status, status, label);
    assert.deepEqual(where(verdict), expectedWhere, label);
  }
});

test('hashed lines written by ssh-keygen -H: bare host-c matches on any port; [10.0.0.7]:2222 only there', () => {
  const entries = parseKnownHosts(fixtureText('hashed'), USER);
  const c = fixtureKey('host-c.ed25519');
  const b = fixtureKey('host-b.ecdsa');
  assert.equal(verifyHostKey(entries, 'host-c', 2222, c.keyType, c.blob).status, 'match');
  assert.equal(verifyHostKey(entries, '10.0.0.7', 2222, b.keyType, b.blob).status, 'match');
  assert.equal(verifyHostKey(entries, '10.0.0.7', 2200, b.keyType, b.blob).status, 'unknown');
});
