import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeAddedHostKey,
  describeChangedHostKey,
  describeRevokedHostKey,
  describeUnknownHostKey,
  describeUnverifiableCertificate,
  type PresentedKey,
} from '../../src/transport/host-key-messages.js';

const key: PresentedKey = {
  target: { name: 'web1', address: '10.0.0.5', port: 22 },
  knownHostsFile: '/home/ops/.ssh/known_hosts',
  keyType: 'ssh-ed25519',
  fingerprint: 'SHA256:abc',
  homeDir: '/home/ops',
};

test('unknown key: host, address:port, key type, fingerprint and both ways forward', () => {
  assert.equal(
    describeUnknownHostKey(key),
    'web1 (10.0.0.5:22): host key not in ~/.ssh/known_hosts (ssh-ed25519 SHA256:abc). Verify it out of band, ' +
      'then add it with ssh-keyscan -p 22 10.0.0.5 >> ~/.ssh/known_hosts, or rerun with --accept-new-host-keys ' +
      'to trust it on first use.',
  );
});

test('paths outside home and odd names are shell-quoted', () => {
  const message = describeUnknownHostKey({
    ...key,
    knownHostsFile: '/etc/fleet hosts',
    target: { ...key.target, port: 2222 },
  });
  assert.match(message, /ssh-keyscan -p 2222 10\.0\.0\.5 >> '\/etc\/fleet hosts'/);
});

test('changed key: loud, lists what is expected, refused even with accept-new, says how to remove', () => {
  const message = describeChangedHostKey({ ...key, target: { ...key.target, port: 2222 } }, [
    { keyType: 'ssh-ed25519', fingerprint: 'SHA256:old', file: '/home/ops/.ssh/known_hosts', line: 7 },
  ]);
  for (const part of [
    'REMOTE HOST IDENTIFICATION HAS CHANGED',
    'man-in-the-middle',
    'ssh-ed25519 SHA256:abc',
    'ssh-ed25519 SHA256:old (~/.ssh/known_hosts:7)',
    'refused even with --accept-new-host-keys',
    "ssh-keygen -R '[10.0.0.5]:2222' -f ~/.ssh/known_hosts",
  ]) {
    assert.ok(message.includes(part), `missing "${part}" in: ${message}`);
  }
});

test('revoked key names the key and the file:line of the @revoked line', () => {
  assert.equal(
    describeRevokedHostKey(key, {
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
      file: '/home/ops/.ssh/known_hosts',
      line: 3,
    }),
    'web1 (10.0.0.5:22): host key ssh-ed25519 SHA256:abc is marked @revoked in ~/.ssh/known_hosts:3; ' +
      'the connection is refused. The host must be given a new host key.',
  );
});

test('unknown key: the other files read are named too', () => {
  const message = describeUnknownHostKey({
    ...key,
    otherKnownHostsFiles: ['/home/ops/.ssh/known_hosts2', '/etc/ssh/ssh_known_hosts'],
  });
  assert.match(
    message,
    /^web1 \(10\.0\.0\.5:22\): host key not in ~\/\.ssh\/known_hosts nor ~\/\.ssh\/known_hosts2, \/etc\/ssh\/ssh_known_hosts \(/,
  );
  assert.match(message, /ssh-keyscan -p 22 10\.0\.0\.5 >> ~\/\.ssh\/known_hosts,/);
});

test('changed key pinned in the global file: points at it and says how to remove it there', () => {
  const message = describeChangedHostKey(key, [
    { keyType: 'ssh-rsa', fingerprint: 'SHA256:user', file: '/home/ops/.ssh/known_hosts', line: 2 },
    { keyType: 'ssh-ed25519', fingerprint: 'SHA256:global', file: '/etc/ssh/ssh_known_hosts', line: 9 },
  ]);
  for (const part of [
    'ssh-rsa SHA256:user (~/.ssh/known_hosts:2), ssh-ed25519 SHA256:global (/etc/ssh/ssh_known_hosts:9)',
    'ssh-keygen -R 10.0.0.5 -f ~/.ssh/known_hosts and ssh-keygen -R 10.0.0.5 -f /etc/ssh/ssh_known_hosts',
  ]) {
    assert.ok(message.includes(part), `missing "${part}" in: ${message}`);
  }
});

test('certificate host: says certificates cannot be verified, names the CA line, refuses also with accept-new', () => {
  const message = describeUnverifiableCertificate(key, [
    { keyType: 'ssh-ed25519', fingerprint: 'SHA256:ca', file: '/etc/ssh/ssh_known_hosts', line: 4 },
  ]);
  for (const part of [
    '@cert-authority ssh-ed25519 SHA256:ca (/etc/ssh/ssh_known_hosts:4)',
    'cannot be verified',
    'refused, also with --accept-new-host-keys',
    'ssh-keyscan -p 22 10.0.0.5 >> ~/.ssh/known_hosts',
  ]) {
    assert.ok(message.includes(part), `missing "${part}" in: ${message}`);
  }
});

test('added key: the name as written, the key type and the SHA256 fingerprint', () => {
  assert.equal(
    describeAddedHostKey({ ...key, target: { ...key.target, port: 2222 } }, '/home/ops/.ssh/known_hosts'),
    "web1: permanently added '[10.0.0.5]:2222' (ssh-ed25519 SHA256:abc) to ~/.ssh/known_hosts",
  );
});

test('unknown key with UserKnownHostsFile none: names the files read and says trust on first use cannot write', () => {
  const message = describeUnknownHostKey({
    ...key,
    knownHostsFile: 'none',
    otherKnownHostsFiles: ['/etc/ssh/ssh_known_hosts'],
  });
  assert.equal(
    message,
    'web1 (10.0.0.5:22): host key not in /etc/ssh/ssh_known_hosts (ssh-ed25519 SHA256:abc; UserKnownHostsFile is none). ' +
      'Verify it out of band, then add it (ssh-keyscan -p 22 10.0.0.5) to one of those files; ' +
      '--accept-new-host-keys cannot add it without a user file.',
  );
});

const bastion = { name: 'bastion', address: '192.0.2.10', port: 22, user: 'ops' };
const behindJumps = (...hops: (typeof bastion)[]): PresentedKey => ({
  ...key,
  target: { ...key.target, route: { kind: 'jump', hops } },
});

test('unknown key behind a jump host: ssh-keyscan runs on the jump host, or one ssh -J connection adds it', () => {
  assert.equal(
    describeUnknownHostKey(behindJumps(bastion)),
    'web1 (10.0.0.5:22): host key not in ~/.ssh/known_hosts (ssh-ed25519 SHA256:abc). Verify it out of band, ' +
      'then add it with ssh ops@bastion ssh-keyscan -p 22 10.0.0.5 >> ~/.ssh/known_hosts (it is behind jump host bastion, ' +
      'so ssh-keyscan runs there; or connect once with ssh -J ops@bastion -p 22 10.0.0.5 and accept the key if it shows ' +
      'SHA256:abc), or rerun with --accept-new-host-keys to trust it on first use.',
  );
});

test('behind two jump hosts: keyscan on the last one through the first; a non-default file and ports are passed on', () => {
  const outer = { name: 'edge', address: '198.51.100.1', port: 2222, user: 'jump' };
  const message = describeUnknownHostKey({
    ...behindJumps(outer, { ...bastion, port: 2200 }),
    knownHostsFile: '/etc/fleet/known_hosts',
  });
  assert.match(
    message,
    /add it with ssh -J jump@edge:2222 -p 2200 ops@bastion ssh-keyscan -p 22 10\.0\.0\.5 >> \/etc\/fleet\/known_hosts /,
  );
  assert.match(
    message,
    /connect once with ssh -J jump@edge:2222,ops@bastion:2200 -o UserKnownHostsFile=\/etc\/fleet\/known_hosts -p 22 10\.0\.0\.5 /,
  );
});

test('a direct host keeps the plain ssh-keyscan hint (route direct or absent)', () => {
  assert.match(
    describeUnknownHostKey({ ...key, target: { ...key.target, route: { kind: 'direct' } } }),
    /add it with ssh-keyscan -p 22 10\.0\.0\.5 >> ~\/\.ssh\/known_hosts, or rerun/,
  );
});

test('certificate hint behind a jump host also scans from the jump host', () => {
  const message = describeUnverifiableCertificate(behindJumps(bastion), [
    { keyType: 'ssh-ed25519', fingerprint: 'SHA256:ca', file: '/home/ops/.ssh/known_hosts', line: 1 },
  ]);
  assert.match(message, /add it with ssh ops@bastion ssh-keyscan -p 22 10\.0\.0\.5 >> ~\/\.ssh\/known_hosts\.$/);
});

test('UserKnownHostsFile=/dev/null (with StrictHostKeyChecking=no, as Ansible labs write it): no advice to append to /dev/null', () => {
  const message = describeUnknownHostKey({ ...key, knownHostsFile: '/dev/null' });
  assert.doesNotMatch(message, />> \/dev\/null/);
  assert.match(
    message,
    /UserKnownHostsFile is \/dev\/null, which keeps nothing, and StrictHostKeyChecking=no is not honoured/,
  );
  assert.match(
    message,
    /add it \(ssh-keyscan -p 22 10\.0\.0\.5\) to a known_hosts file that UserKnownHostsFile names instead/,
  );
  assert.match(message, /--accept-new-host-keys would trust it for this run only\.$/);
});
