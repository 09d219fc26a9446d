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
  const message = describeUnknownHostKey({ ...key, knownHostsFile: '/etc/fleet hosts', target: { ...key.target, port: 2222 } });
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
    describeRevokedHostKey(key, { keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', file: '/home/ops/.ssh/known_hosts', line: 3 }),
    'web1 (10.0.0.5:22): host key ssh-ed25519 SHA256:abc is marked @revoked in ~/.ssh/known_hosts:3; ' +
      'the connection is refused. The host must be given a new host key.',
  );
});

test('unknown key: the other files read are named too', () => {
  const message = describeUnknownHostKey({ ...key, otherKnownHostsFiles: ['/home/ops/.ssh/known_hosts2', '/etc/ssh/ssh_known_hosts'] });
  assert.match(message, /^web1 \(10\.0\.0\.5:22\): host key not in ~\/\.ssh\/known_hosts nor ~\/\.ssh\/known_hosts2, \/etc\/ssh\/ssh_known_hosts \(/);
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
  const message = describeUnverifiableCertificate(key, [{ keyType: 'ssh-ed25519', fingerprint: 'SHA256:ca', file: '/etc/ssh/ssh_known_hosts', line: 4 }]);
  for (const part of ['@cert-authority ssh-ed25519 SHA256:ca (/etc/ssh/ssh_known_hosts:4)', 'cannot be verified', 'refused, also with --accept-new-host-keys', 'ssh-keyscan -p 22 10.0.0.5 >> ~/.ssh/known_hosts']) {
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
  const message = describeUnknownHostKey({ ...key, knownHostsFile: 'none', otherKnownHostsFiles: ['/etc/ssh/ssh_known_hosts'] });
  assert.equal(
    message,
    'web1 (10.0.0.5:22): host key not in /etc/ssh/ssh_known_hosts (ssh-ed25519 SHA256:abc; UserKnownHostsFile is none). ' +
      'Verify it out of band, then add it (ssh-keyscan -p 22 10.0.0.5) to one of those files; ' +
      '--accept-new-host-keys cannot add it without a user file.',
  );
});
