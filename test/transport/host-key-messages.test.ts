import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeChangedHostKey,
  describeRevokedHostKey,
  describeUnknownHostKey,
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
    { keyType: 'ssh-ed25519', fingerprint: 'SHA256:old', line: 7 },
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

test('revoked key names the key and the file', () => {
  assert.equal(
    describeRevokedHostKey(key),
    'web1 (10.0.0.5:22): host key ssh-ed25519 SHA256:abc is marked @revoked in ~/.ssh/known_hosts; ' +
      'the connection is refused. The host must be given a new host key.',
  );
});
