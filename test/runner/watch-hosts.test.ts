/** watchHosts: every host watched at once on forEachHost, a host that cannot connect, the stop signal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import type { TimedSample } from '../../src/facts/sample-rates.js';
import { type HostLoopOptions, watchHosts } from '../../src/runner/watch-hosts.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { sampleReply } from '../facts/sample-fixture.js';
import { concurrencyGauge, fakeHost, target } from './fake-host.js';

function fleet(names: string[], refused: string[], options: Partial<HostLoopOptions> = {}) {
  const gauge = concurrencyGauge(20);
  const connects: string[] = [];
  const recorded: TimedSample[] = [];
  const open = async (t: HostTarget): Promise<Connection> => {
    connects.push(t.name);
    if (refused.includes(t.name)) throw new ConnectError('unreachable', `${t.name}: connect ECONNREFUSED`);
    // the watch sample is not a gather (it has no gather records): fake-host files it under 'other'
    return gauge.wrap(fakeHost(t, { replies: { other: [sampleReply(10, 100)] } }).connection);
  };
  const loop: HostLoopOptions = {
    open,
    intervalMs: 10,
    samples: 2,
    signal: new AbortController().signal,
    sampleTimeoutMs: 1000,
    record: (s) => recorded.push(s),
    ...options,
  };
  return { gauge, connects, recorded, run: () => watchHosts(names.map(target), loop) };
}

describe('watchHosts', () => {
  it('watches every host at once (a loop lasts the whole watch), each sampled `samples` times', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { gauge, recorded, run } = fleet(names, []);
    await run();
    assert.equal(gauge.peak(), names.length);
    for (const name of names)
      assert.deepEqual(
        recorded.filter((r) => r.host === name).map((r) => r.sample?.count),
        [10, 10],
      );
  });

  it('a host that cannot connect records why at each interval and is retried; the others are sampled', async () => {
    const { connects, recorded, run } = fleet(['a', 'b'], ['b']);
    await run();
    assert.deepEqual(
      recorded.filter((r) => r.host === 'b').map((r) => r.error),
      ['b: connect ECONNREFUSED', 'b: connect ECONNREFUSED'],
    );
    assert.deepEqual(
      connects.filter((n) => n === 'b'),
      ['b', 'b'],
    );
    assert.deepEqual(
      recorded.filter((r) => r.host === 'a').map((r) => r.error),
      [null, null],
    );
  });

  it('a stop before the start starts no host; a stop while sampling returns at once, not after the samples', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const before = fleet(['a', 'b'], [], { signal: stopped.signal });
    await before.run();
    assert.deepEqual(before.connects, []);
    assert.deepEqual(before.recorded, []);

    const stop = new AbortController();
    const during = fleet(['a', 'b'], [], { signal: stop.signal, samples: Number.POSITIVE_INFINITY });
    const running = during.run();
    setTimeout(() => stop.abort(), 50);
    const startedMs = Date.now();
    await running;
    assert.ok(Date.now() - startedMs < 500, 'the watch ends on the stop signal');
    const count = during.recorded.length;
    assert.ok(count >= 2, `each host sampled before the stop (${count})`);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(during.recorded.length, count, 'nothing is recorded after the stop');
  });
});
