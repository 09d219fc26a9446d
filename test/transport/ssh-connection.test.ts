/** Integration: scripts, held commands, close and loss over a real sshd on 127.0.0.1. Needs root and sshd. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConnectError, RemoteError } from '../../src/errors.js';
import type { Connection } from '../../src/transport/connection.js';
import { quoteShell } from '../../src/transport/quote.js';
import { sshdSkipReason } from './sshd-helper.js';
import { startTestHost, type TestHost } from './ssh-test-host.js';

describe('Connection over a real sshd', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  let connection: Connection;
  before(async () => {
    host = await startTestHost();
    connection = await host.connect();
  });
  after(async () => {
    await connection.close();
    await host.stop();
  });

  test('runScript returns stdout, stderr and the exit code', async () => {
    const result = await connection.runScript('echo out; echo err >&2; exit 3');
    const { durationMs, ...rest } = result;
    assert.deepEqual(rest, { stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null, timedOut: false });
    assert.ok(Number.isInteger(durationMs) && durationMs >= 0, `durationMs ${durationMs}`);
  });

  test('quotes, $ and non-ASCII survive the trip; multi-byte output split across packets decodes whole', async () => {
    const value = `it's "quoted" $HOME \`id\` \\ é — ✓ 日本`;
    const result = await connection.runScript(`printf '%s\\n' ${quoteShell(value)}\necho "ça va"`);
    assert.equal(result.stdout, `${value}\nça va\n`);
    const big = await connection.runScript("i=0; while [ $i -lt 20000 ]; do printf 'é✓'; i=$((i+1)); done");
    assert.equal(big.stdout, 'é✓'.repeat(20000));
  });

  test('a script killed by a signal reports it', async () => {
    const result = await connection.runScript('kill -TERM $$');
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, 'SIGTERM');
  });

  test('timeoutMs closes the channel and resolves with exitCode null', async () => {
    const started = Date.now();
    const result = await connection.runScript('echo started; sleep 10', { timeoutMs: 2_000 });
    assert.ok(Date.now() - started < 8_000);
    assert.equal(result.exitCode, null);
    assert.equal(result.stdout, 'started\n');
    assert.match(result.stderr, /timed out after 2000 ms/);
    assert.equal(result.timedOut, true);
    assert.equal((await connection.runScript('echo still usable')).stdout, 'still usable\n');
  });

  test('several runScript calls in flight on one connection', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => connection.runScript(`sleep 0.2; echo ${i}`)));
    assert.deepEqual(
      results.map((r) => r.stdout),
      ['1\n', '2\n', '3\n', '4\n', '5\n'],
    );
  });

  test('hold resolves with the first line; the command lives until release', async () => {
    const marker = join(host.homeDir, 'held');
    const held = await connection.hold(
      `touch ${quoteShell(marker)}; echo locked; echo more\ncat >/dev/null; rm ${quoteShell(marker)}`,
    );
    assert.equal(held.firstLine, 'locked');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(existsSync(marker), true, 'still running while held');
    await held.release();
    assert.equal(existsSync(marker), false, 'stdin EOF let it finish');
  });

  test('hold rejects with the stderr when the command exits before printing a line', async () => {
    await assert.rejects(connection.hold('echo boom >&2; exit 4'), (error: unknown) => {
      assert.ok(error instanceof RemoteError);
      assert.equal(error.exitCode, 4);
      assert.match(error.message, /ended \(exit code 4\) before printing a line; stderr: boom/);
      return true;
    });
  });

  test('release after the held command already exited resolves', async () => {
    const held = await connection.hold('echo done; exit 0');
    assert.equal(held.firstLine, 'done');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await held.release();
    assert.equal((await connection.runScript('echo next')).stdout, 'next\n');
  });

  test('become runs through sudo -n -u USER', async (t) => {
    if (!existsSync('/usr/bin/sudo')) return t.skip('sudo is not installed');
    const become = await host.connect({}, host.target({ become: true, becomeUser: 'nobody' }));
    t.after(() => become.close());
    assert.equal((await become.runScript('id -un')).stdout, 'nobody\n');
  });
});

describe('losing and closing a connection', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  before(async () => (host = await startTestHost()));
  after(() => host.stop());

  test("onLost fires once when sshd's child is killed; the script in flight rejects as 'connection-lost'", async () => {
    const before = new Set(host.sshd.sessionPids());
    const connection = await host.connect({ keepaliveIntervalMs: 0 });
    const mine = host.sshd.sessionPids().filter((pid) => !before.has(pid));
    assert.equal(mine.length, 1);
    const lost: Error[] = [];
    connection.onLost((error) => lost.push(error));
    const running = connection.runScript('sleep 7');
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(mine[0] ?? -1, 'SIGKILL');
    await assert.rejects(
      running,
      (error: unknown) => error instanceof ConnectError && error.failure === 'connection-lost',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lost.length, 1);
    assert.ok(lost[0] instanceof ConnectError && lost[0].failure === 'connection-lost');
    assert.match(lost[0].message, new RegExp(`^lab1 \\(127\\.0\\.0\\.1:${host.sshd.port}\\): connection lost`));
    await assert.rejects(connection.runScript('true'), (error: unknown) => error === lost[0]);
    await connection.close();
  });

  test('keepalive: a frozen host counts as lost after keepaliveIntervalMs x keepaliveCountMax', async () => {
    const before = new Set(host.sshd.sessionPids());
    const connection = await host.connect({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    const [mine] = host.sshd.sessionPids().filter((pid) => !before.has(pid));
    const lost = new Promise<Error>((resolve) => connection.onLost(resolve));
    process.kill(mine ?? -1, 'SIGSTOP');
    try {
      const error = await lost;
      assert.ok(error instanceof ConnectError && error.failure === 'connection-lost');
      assert.match(error.message, /connection lost: Keepalive timeout/);
    } finally {
      process.kill(mine ?? -1, 'SIGKILL');
    }
    await connection.close();
  });

  test('close() resolves, does not fire onLost, and later calls reject', async () => {
    const connection = await host.connect();
    let lost = 0;
    connection.onLost(() => lost++);
    await connection.close();
    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lost, 0);
    await assert.rejects(connection.runScript('true'), ConnectError);
  });
});
