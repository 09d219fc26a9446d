/** Integration: connecting to a real sshd on 127.0.0.1 (host keys, auth, unreachable). Needs root and sshd. */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { fingerprintSha256 } from '../../src/transport/host-key.js';
import { generateKey, sshKeygenFingerprint } from './keygen-helper.js';
import { freePort, sshdSkipReason } from './sshd-helper.js';
import { startTestHost, type TestHost } from './ssh-test-host.js';

async function connectError(promise: Promise<unknown>, failure: ConnectError['failure']): Promise<ConnectError> {
  const error = await promise.then(
    (connection) => (connection as { close(): Promise<void> }).close().then(() => null),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectError, `expected ConnectError ${failure}, got ${String(error)}`);
  assert.equal(error.failure, failure, error.message);
  return error;
}

describe('connectSsh against a real sshd', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  before(async () => (host = await startTestHost()));
  after(() => host.stop());

  test('a trusted host key connects and runs a script', async () => {
    const connection = await host.connect();
    assert.equal((await connection.runScript('echo ok')).stdout, 'ok\n');
    await connection.close();
  });

  test('an unknown host key is refused with its SHA256 fingerprint and the file is left alone', async () => {
    const knownHostsFile = join(host.homeDir, 'absent_known_hosts');
    const error = await connectError(host.connect({ knownHostsFile }), 'host-key-unknown');
    const fingerprint = sshKeygenFingerprint(host.sshd.hostKeys[0]?.publicFile ?? '');
    assert.ok(error.message.includes(`(ssh-ed25519 ${fingerprint})`), error.message);
    assert.ok(error.message.startsWith(`lab1 (127.0.0.1:${host.sshd.port}): host key not in `), error.message);
    assert.ok(error.message.includes(`ssh-keyscan -p ${host.sshd.port} 127.0.0.1 >> `), error.message);
    assert.equal(existsSync(knownHostsFile), false);
  });

  test('--accept-new-host-keys appends [addr]:port, and the next connect matches without it', async () => {
    const knownHostsFile = join(host.homeDir, 'tofu', 'known_hosts');
    await (await host.connect({ knownHostsFile, acceptNewHostKeys: true })).close();
    assert.equal(readFileSync(knownHostsFile, 'utf8'), `${host.trustedLine()}\n`);
    assert.match(
      readFileSync(knownHostsFile, 'utf8'),
      new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host.sshd.port} ssh-ed25519 `),
    );
    await (await host.connect({ knownHostsFile })).close();
  });

  test('a changed host key is refused even with --accept-new-host-keys', async () => {
    const impostor = generateKey(mkdtempSync(join(tmpdir(), 'ctf-imp-')), 'impostor');
    const knownHostsFile = host.knownHosts([`[127.0.0.1]:${host.sshd.port} ${impostor.publicLine}`]);
    const before = readFileSync(knownHostsFile, 'utf8');
    const error = await connectError(host.connect({ knownHostsFile, acceptNewHostKeys: true }), 'host-key-changed');
    assert.match(error.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.ok(error.message.includes(fingerprintSha256(impostor.blob)), 'names the expected key');
    assert.ok(error.message.includes(`ssh-keygen -R '[127.0.0.1]:${host.sshd.port}'`), error.message);
    assert.equal(readFileSync(knownHostsFile, 'utf8'), before);
  });

  test('a revoked host key is refused even when also listed plainly', async () => {
    const hostKey = host.sshd.hostKeys[0]?.publicLine.split(' ').slice(0, 2).join(' ');
    const knownHostsFile = host.knownHosts([`@revoked * ${hostKey}`, host.trustedLine()]);
    const error = await connectError(host.connect({ knownHostsFile, acceptNewHostKeys: true }), 'host-key-revoked');
    assert.match(error.message, /@revoked/);
  });

  test('a bare "127.0.0.1 key" entry is accepted on a non-22 port; a key only in a global file is known', async () => {
    const hostKey = host.sshd.hostKeys[0]?.publicLine.split(' ').slice(0, 2).join(' ');
    await (await host.connect({ knownHostsFile: host.knownHosts([`127.0.0.1 ${hostKey}`]) })).close();
    const emptyUserFile = host.knownHosts([]);
    const globalFile = host.knownHosts([host.trustedLine()]);
    await (await host.connect({ knownHostsFile: emptyUserFile, globalKnownHostsFiles: [globalFile] })).close();
    assert.equal(readFileSync(emptyUserFile, 'utf8'), '', 'nothing is added for a host the global file knows');
  });

  test('a key pinned differently in a global file is changed even with --accept-new-host-keys; nothing is written', async () => {
    const impostor = generateKey(mkdtempSync(join(tmpdir(), 'ctf-imp-')), 'impostor');
    const globalFile = host.knownHosts([`[127.0.0.1]:${host.sshd.port} ${impostor.publicLine}`]);
    const knownHostsFile = join(host.homeDir, 'never-written', 'known_hosts');
    const error = await connectError(
      host.connect({ knownHostsFile, globalKnownHostsFiles: [globalFile], acceptNewHostKeys: true }),
      'host-key-changed',
    );
    assert.ok(error.message.includes(`${basename(globalFile)}:1)`), error.message);
    assert.equal(existsSync(knownHostsFile), false);
  });

  test('an unreadable global file refuses the host (fail closed) and says which file', async () => {
    const error = await connectError(host.connect({ globalKnownHostsFiles: [host.homeDir] }), 'host-key-unknown');
    assert.ok(error.message.startsWith(`lab1: cannot read known_hosts file ${host.homeDir} (EISDIR)`), error.message);
  });

  test('a key the server does not accept is an auth error listing what was tried, never key material', async () => {
    const stranger = generateKey(host.homeDir, 'stranger');
    const error = await connectError(host.connect({}, host.target({ privateKeyFile: stranger.privateFile })), 'auth');
    assert.match(error.message, new RegExp(`authentication as root failed; tried key ${stranger.privateFile}$`));
    const privateBody = readFileSync(stranger.privateFile, 'utf8').split('\n')[1] ?? 'x';
    assert.ok(
      !error.message.includes(privateBody) && !error.message.includes(stranger.publicLine.split(' ')[1] ?? 'x'),
    );
  });

  test('a closed port is "unreachable: connection refused" with address:port', async () => {
    const port = await freePort();
    const error = await connectError(host.connect({}, host.target({ port })), 'unreachable');
    assert.equal(error.message, `lab1 (127.0.0.1:${port}): connection refused (nothing listens on that port)`);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  });

  test('a name that does not resolve is "unreachable: DNS lookup failed"', async () => {
    const error = await connectError(host.connect({}, host.target({ address: 'no-such-host.invalid' })), 'unreachable');
    assert.match(error.message, new RegExp(`^lab1 \\(no-such-host\\.invalid:${host.sshd.port}\\): DNS lookup failed`));
  });

  test('a silent server is a "timeout" after connectTimeoutMs', async (t) => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => silent.close());
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const error = await connectError(host.connect({ connectTimeoutMs: 300 }, host.target({ port })), 'timeout');
    assert.match(error.message, /connect timed out after 300 ms/);
    assert.ok(Date.now() - started < 3_000);
  });

  test('ssh-agent authentication (no key file, no default keys)', async (t) => {
    const socket = join(mkdtempSync(join(tmpdir(), 'ctf-agent-')), 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    t.after(() => agent.kill());
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync('ssh-add', ['-q', host.clientKey.privateFile], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      stdio: 'ignore',
    });
    const target = host.target({ privateKeyFile: undefined });
    const connection = await host.connect({}, target, { SSH_AUTH_SOCK: socket });
    assert.equal((await connection.runScript('echo via-agent')).stdout, 'via-agent\n');
    await connection.close();
    const error = await connectError(host.connect({}, target, {}), 'auth');
    assert.match(error.message, /no SSH credentials to offer/);
  });
});

describe('a host with several host keys', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  before(async () => (host = await startTestHost({ hostKeyTypes: ['ed25519', 'rsa'] })));
  after(() => host.stop());

  test('only its RSA key in known_hosts: the handshake prefers RSA and matches (as OpenSSH does)', async () => {
    const connection = await host.connect({ knownHostsFile: host.knownHosts([host.trustedLine(1)]) });
    await connection.close();
  });
});
