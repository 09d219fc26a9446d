/** The jump-host pool with stand-in clients: sharing per chain, closing with the last user, failures not cached. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Client, ClientChannel } from 'ssh2';
import { ConnectError } from '../../src/errors.js';
import { defaultConnectOptions } from '../../src/transport/connection.js';
import { createJumpPool, forwardOut, type OpenHop } from '../../src/transport/jump-pool.js';
import type { JumpHost } from '../../src/transport/proxy-jump.js';

/** Records what a real ssh2 Client would be asked: forwardOut targets, end(). */
class FakeClient extends EventEmitter {
  forwarded: string[] = [];
  ended = false;
  constructor(
    readonly hop: string,
    private readonly refuseForward = false,
  ) {
    super();
  }
  forwardOut(
    _srcIp: string,
    _srcPort: number,
    address: string,
    port: number,
    callback: (error: Error | undefined, channel: ClientChannel) => void,
  ): this {
    this.forwarded.push(`${address}:${port}`);
    queueMicrotask(() =>
      callback(this.refuseForward ? new Error('Connection refused') : undefined, { close() {} } as ClientChannel),
    );
    return this;
  }
  end(): this {
    this.ended = true;
    queueMicrotask(() => this.emit('close'));
    return this;
  }
}

const hop = (name: string, port = 22): JumpHost => ({ name, address: `${name}.example`, port, user: 'ops' });

function recordingOpener(fail: Set<string> = new Set()): {
  open: OpenHop;
  opened: FakeClient[];
  via: (string | null)[];
} {
  const opened: FakeClient[] = [];
  const via: (string | null)[] = [];
  const open: OpenHop = async (target, _options, sock) => {
    via.push(sock ? 'channel' : null);
    if (fail.has(target.name)) throw new ConnectError('unreachable', `jump host ${target.name}: connection refused`);
    const client = new FakeClient(target.name);
    opened.push(client);
    return client as unknown as Client;
  };
  return { open, opened, via };
}

test('targets behind the same bastion share one connection; the last release closes it', async () => {
  const { open, opened } = recordingOpener();
  const pool = createJumpPool(open);
  const [a, b] = await Promise.all([
    pool.acquire([hop('bastion')], defaultConnectOptions),
    pool.acquire([hop('bastion')], defaultConnectOptions),
  ]);
  assert.equal(opened.length, 1);
  assert.equal(a?.client, b?.client);
  await a?.release();
  await a?.release(); // idempotent: one lease cannot release another's share
  assert.equal(opened[0]?.ended, false);
  await b?.release();
  assert.equal(opened[0]?.ended, true);
  assert.equal(pool.size(), 0);
  await pool.acquire([hop('bastion')], defaultConnectOptions);
  assert.equal(opened.length, 2, 'a closed hop is not reused');
});

test('a different port or user is a different connection', async () => {
  const { open, opened } = recordingOpener();
  const pool = createJumpPool(open);
  await pool.acquire([hop('bastion')], defaultConnectOptions);
  await pool.acquire([hop('bastion', 2222)], defaultConnectOptions);
  await pool.acquire([{ ...hop('bastion'), user: 'other' }], defaultConnectOptions);
  assert.equal(opened.length, 3);
});

test('two hops: the second is reached over a channel of the first, and closing it closes the first', async () => {
  const { open, opened, via } = recordingOpener();
  const pool = createJumpPool(open);
  const lease = await pool.acquire([hop('outer'), hop('inner', 2200)], defaultConnectOptions);
  const [outer, inner] = opened;
  assert.deepEqual([outer?.hop, inner?.hop], ['outer', 'inner']);
  assert.deepEqual(via, [null, 'channel']);
  assert.deepEqual(outer?.forwarded, ['inner.example:2200']);
  await lease.release();
  assert.deepEqual([inner?.ended, outer?.ended], [true, true]);
  assert.equal(pool.size(), 0);
});

test('a failed hop is reported, not cached, and releases the hops before it', async () => {
  const fail = new Set(['inner']);
  const { open, opened } = recordingOpener(fail);
  const pool = createJumpPool(open);
  await assert.rejects(
    pool.acquire([hop('outer'), hop('inner')], defaultConnectOptions),
    /jump host inner: connection refused/,
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(opened[0]?.ended, true, 'outer closed: nobody uses it');
  assert.equal(pool.size(), 0);
  fail.clear();
  await pool.acquire([hop('outer'), hop('inner')], defaultConnectOptions);
  assert.equal(opened.length, 3, 'retried from scratch');
});

test('a hop that drops leaves the pool, so the next target opens a fresh one', async () => {
  const { open, opened } = recordingOpener();
  const pool = createJumpPool(open);
  await pool.acquire([hop('bastion')], defaultConnectOptions);
  opened[0]?.emit('error', new Error('keepalive timeout')); // must not throw: the pool listens
  opened[0]?.emit('close');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pool.size(), 0);
  await pool.acquire([hop('bastion')], defaultConnectOptions);
  assert.equal(opened.length, 2);
});

test('a bastion that neither opens nor refuses the forward: a timeout after timeoutMs; one that refuses: unreachable', async () => {
  const silent = { forwardOut: () => silent } as unknown as Client;
  await assert.rejects(
    forwardOut(silent, { address: '10.0.0.5', port: 22 }, 50, 'jump host bastion'),
    (error: unknown) =>
      error instanceof ConnectError &&
      error.failure === 'timeout' &&
      error.message === 'jump host bastion did not open a connection to 10.0.0.5:22 within 50 ms',
  );
  const refusing = new FakeClient('bastion', true) as unknown as Client;
  await assert.rejects(
    forwardOut(refusing, { address: '10.0.0.5', port: 22 }, 1000, 'jump host bastion'),
    (error: unknown) => error instanceof ConnectError && error.failure === 'unreachable',
  );
});
