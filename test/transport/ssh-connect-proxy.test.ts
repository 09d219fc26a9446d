/** Integration: connectSsh through a jump host and a ProxyCommand against a real sshd (which is its own jump host). */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { defaultConnectOptions, type HostTarget } from '../../src/transport/connection.js';
import type { JumpHost } from '../../src/transport/proxy-jump.js';
import { createSshConnect } from '../../src/transport/ssh-connect.js';
import { sshdSkipReason } from './sshd-helper.js';
import { startTestHost, type TestHost } from './ssh-test-host.js';

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** PIDs whose command line holds every one of `words`. */
function processesWith(...words: string[]): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return words.every((w) => args.includes(w));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('connectSsh through a jump host / ProxyCommand against a real sshd', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  let knownHostsFile = '';
  before(async () => {
    host = await startTestHost();
    knownHostsFile = host.knownHosts([host.trustedLine()]);
  });
  after(() => host.stop());

  const connections = () => host.sshd.log().match(/Connection from /g)?.length ?? 0;
  const options = () => ({ ...defaultConnectOptions, connectTimeoutMs: 5_000, knownHostsFile });

  test('targets behind one jump host share its connection; closing the last target closes it', async () => {
    const connect = createSshConnect(() => ({ env: {}, homeDir: host.homeDir }));
    const hop: JumpHost = {
      name: 'self',
      address: '127.0.0.1',
      port: host.sshd.port,
      user: 'root',
      privateKeyFile: host.clientKey.privateFile,
    };
    const target = (name: string): HostTarget => host.target({ name, route: { kind: 'jump', hops: [hop] } });
    const before = connections();
    const [a, b] = await Promise.all([connect(target('a'), options()), connect(target('b'), options())]);
    assert.equal((await a.runScript('echo via-jump')).stdout, 'via-jump\n');
    assert.equal(connections() - before, 3, 'one jump connection + one per target');
    assert.equal(host.sshd.sessionPids().length, 3);
    await a.close();
    await waitFor('a to go', () => host.sshd.sessionPids().length === 2);
    assert.equal((await b.runScript('echo still')).stdout, 'still\n', 'the shared hop outlives one of its users');
    await b.close();
    await waitFor('the hop to close with its last user', () => host.sshd.sessionPids().length === 0);
  });

  test("a jump host whose key cannot be used fails as the jump host's auth problem, naming where its key comes from", async () => {
    const connect = createSshConnect(() => ({ env: {}, homeDir: host.homeDir }));
    const hop: JumpHost = {
      name: 'self',
      address: '127.0.0.1',
      port: host.sshd.port,
      user: 'root',
      privateKeyFile: '/nonexistent/hop-key',
    };
    // the target's own key is fine: only the hop's is missing, and the message must not blame the target
    const error = await connect(host.target({ route: { kind: 'jump', hops: [hop] } }), options()).then(
      () => null,
      (e: unknown) => e as Error & { failure?: string },
    );
    assert.equal(error?.failure, 'auth');
    assert.match(
      error?.message ?? '',
      /^lab1: jump host self \(127\.0\.0\.1:\d+\): cannot read private key \/nonexistent\/hop-key: .*; it logs in as root with key \/nonexistent\/hop-key from its IdentityFile; set User and IdentityFile in a "Host self" block/,
    );
  });

  test('a target refused by its route is never contacted', async () => {
    const connect = createSshConnect(() => ({ env: {}, homeDir: host.homeDir }));
    const before = connections();
    await assert.rejects(
      connect(host.target({ route: { kind: 'refused', reason: 'jump host x: loop' } }), options()),
      /^ConnectError: lab1: jump host x: loop$/,
    );
    assert.equal(connections(), before);
  });

  test("ProxyCommand: SSH over the command's stdio; close() ends the command", async () => {
    const connect = createSshConnect(() => ({ env: {}, homeDir: host.homeDir }));
    const route = { kind: 'command' as const, command: 'socat STDIO TCP:%h:%p', source: 'test', alias: 'lab1' };
    const connection = await connect(host.target({ route }), options());
    assert.equal((await connection.runScript('echo via-command')).stdout, 'via-command\n');
    const proxy = `TCP:127.0.0.1:${host.sshd.port}`;
    assert.equal(processesWith('socat', 'STDIO', proxy).length, 1);
    await connection.close();
    assert.deepEqual(processesWith('socat', 'STDIO', proxy), [], 'the command has exited when close() resolves');
  });
});
