import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import {
  defaultConnectOptions,
  type Connect,
  type Connection,
  type HostTarget,
} from '../../src/transport/connection.js';
import { createHandshakeLimiter, defaultMaxConcurrentHandshakes } from '../../src/transport/handshake-limiter.js';

const target = (i: number): HostTarget => ({
  name: `h${i}`,
  address: `10.0.0.${i}`,
  port: 22,
  user: 'root',
  become: false,
  becomeUser: 'root',
  vars: {},
});

/** A fake Connect that records how many handshakes overlap; every third host fails. */
function fakeConnect() {
  const stats = { inFlight: 0, maxInFlight: 0, started: 0 };
  const connect: Connect = async (t) => {
    stats.started++;
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    stats.inFlight--;
    if (Number(t.name.slice(1)) % 3 === 0) throw new ConnectError('unreachable', `${t.name}: refused`);
    return { target: t } as Connection;
  };
  return { connect, stats };
}

test('at most N handshakes run at once; failures free their slot', async () => {
  for (const max of [1, 3, 10]) {
    const { connect, stats } = fakeConnect();
    const limited = createHandshakeLimiter(max)(connect);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => limited(target(i + 1), defaultConnectOptions)),
    );
    assert.equal(stats.started, 25);
    assert.equal(stats.maxInFlight, Math.min(max, 25), `max ${max}`);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 8);
    const first = results[0];
    assert.equal(first?.status === 'fulfilled' && first.value.target.name, 'h1');
  }
});

test('default is 10 and nonsense limits are refused', () => {
  assert.equal(defaultMaxConcurrentHandshakes, 10);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => createHandshakeLimiter(bad), RangeError);
});
