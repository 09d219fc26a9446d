/** adviseHosts with fake hosts: forks, interrupt, a host that cannot connect or be read, results in target order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultAdviseOptions } from '../../src/advise/advise-host.js';
import { ConnectError } from '../../src/errors.js';
import { type AdviseHostsOptions, adviseHosts } from '../../src/runner/advise-hosts.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { concurrencyGauge, type FakeHost, fakeHost, replies, target } from './fake-host.js';

type Behaviour = 'ok' | 'refused-connect' | 'read-fails';

function fleet(behaviours: Record<string, Behaviour>, forks: number, interruptAfterHosts = Infinity) {
  const gauge = concurrencyGauge();
  const hosts = new Map<string, FakeHost>();
  const open = async (t: HostTarget): Promise<Connection> => {
    const behaviour = behaviours[t.name] ?? 'ok';
    if (behaviour === 'refused-connect') throw new ConnectError('unreachable', `${t.name}: connect ECONNREFUSED`);
    const gather = behaviour === 'ok' ? replies.gathered : { exitCode: 1, stderr: 'sh: 1: awk: not found' };
    const host = fakeHost(t, { replies: { gather: [gather] } });
    hosts.set(t.name, host);
    return gauge.wrap(host.connection);
  };
  const options: AdviseHostsOptions = {
    targets: Object.keys(behaviours).map(target),
    forks,
    open,
    advise: { ...defaultAdviseOptions, nowMs: 0 },
    isInterrupted: () => hosts.size >= interruptAfterHosts,
  };
  return { gauge, hosts, run: () => adviseHosts(options) };
}

describe('adviseHosts', () => {
  it('reads at most `forks` hosts at once, each in one round trip on its own connection, closed after', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const { gauge, hosts, run } = fleet(Object.fromEntries(names.map((n) => [n, 'ok' as const])), 2);
    const results = await run();
    assert.equal(gauge.peak(), 2);
    assert.deepEqual(
      results.map((r) => [r.host, r.reachable, r.error, r.advice?.refusal]),
      names.map((n) => [n, true, null, null]),
    );
    assert.ok([...hosts.values()].every((h) => h.sent.length === 1 && h.closed()));
  });

  it('a host that cannot connect is unreachable, one that cannot be read is "not read"; the others are advised', async () => {
    const { run } = fleet({ a: 'ok', b: 'refused-connect', c: 'read-fails' }, 3);
    const results = await run();
    assert.deepEqual(
      results.map((r) => [r.host, r.reachable, r.advice === null]),
      [
        ['a', true, false],
        ['b', false, true],
        ['c', true, true],
      ],
    );
    assert.deepEqual(
      results.map((r) => r.errorKind),
      [undefined, 'unreachable', 'gather'],
      'the error kind, as check gives it',
    );
    assert.equal(results[1]?.error, 'b: connect ECONNREFUSED');
    assert.match(results[2]?.error ?? '', /^c: reading the host failed \(exit 1\): awk: not found$/);
  });

  it('after an interrupt no host is started: those are unreachable with the reason, nothing is sent to them', async () => {
    // forks 1: the interrupt comes once the first host is connected, while it is read
    const { hosts, run } = fleet({ a: 'ok', b: 'ok', c: 'ok' }, 1, 1);
    const results = await run();
    assert.deepEqual(
      results.map((r) => [r.host, r.reachable, r.error]),
      [
        ['a', true, null],
        ['b', false, 'interrupted before it started'],
        ['c', false, 'interrupted before it started'],
      ],
    );
    assert.deepEqual([...hosts.keys()], ['a']);
  });
});
