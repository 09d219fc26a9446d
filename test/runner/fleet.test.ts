/** runFleet over fake hosts (fake-host.ts) behind a real connection pool: batches, stop, interrupt, outcomes as data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import type { Playbook } from '../../src/playbook/types.js';
import type { HostResult, RunEvent } from '../../src/runner/events.js';
import { type FleetResult, runFleet } from '../../src/runner/fleet.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import {
  type FakeHost,
  fakeHost,
  type FakeHostScript,
  replies,
  target,
  testPool,
  timeoutsPlaybook,
} from './fake-host.js';

/** How each fake host behaves; a host not listed applies cleanly. */
type Behaviour = 'ok' | 'refused-connect' | 'busy' | 'gather-fails' | 'apply-fails';

const scripts: Record<Exclude<Behaviour, 'refused-connect'>, FakeHostScript> = {
  ok: { replies: { gather: [replies.gathered], apply: [replies.applied] } },
  busy: { lockLine: 'busy R0 since 2026-01-01T00:00:00Z' },
  'gather-fails': { replies: { gather: [{ exitCode: 1, stderr: 'boom' }] } },
  'apply-fails': { replies: { gather: [replies.gathered], apply: [replies.refused, replies.undone] } },
};

interface Fleet {
  result: FleetResult;
  events: RunEvent[];
  hosts: Map<string, FakeHost>;
}

async function runFake(
  behaviours: Record<string, Behaviour>,
  playbook: Partial<Playbook> = {},
  interruptAfterHosts?: number,
): Promise<Fleet> {
  const names = Object.keys(behaviours);
  const hosts = new Map<string, FakeHost>();
  const connect = async (t: HostTarget): Promise<Connection> => {
    const behaviour = behaviours[t.name] ?? 'ok';
    if (behaviour === 'refused-connect') throw new ConnectError('unreachable', `${t.name}: connect ECONNREFUSED`);
    const host = fakeHost(t, scripts[behaviour]);
    hosts.set(t.name, host);
    return host.connection;
  };
  const pool = testPool(connect);
  const events: RunEvent[] = [];
  const ended = () => events.filter((e) => e.type === 'host-end').length;
  const result = await runFleet({
    playbook: { ...timeoutsPlaybook, ...playbook },
    targets: names.map(target),
    forks: 2,
    checkOnly: false,
    runId: 'R1',
    startedAt: new Date(0),
    pool,
    emit: (e) => events.push(e),
    isInterrupted: () => interruptAfterHosts !== undefined && ended() >= interruptAfterHosts,
  });
  await pool.closeAll();
  return { result, events, hosts };
}

const summary = (results: HostResult[]) => results.map((r) => `${r.host} ${r.outcome} ${r.errorKind ?? '-'}`);

describe('runFleet', () => {
  it('each host ends as data: unreachable, locked, gather failed, rolled back after a failed apply, changed', async () => {
    const { result, events } = await runFake({
      h1: 'refused-connect',
      h2: 'busy',
      h3: 'gather-fails',
      h4: 'apply-fails',
      h5: 'ok',
    });
    assert.deepEqual(summary(result.results).sort(), [
      'h1 unreachable unreachable',
      'h2 skipped lock',
      'h3 failed gather',
      'h4 rolled-back kernel-refused',
      'h5 changed -',
    ]);
    assert.equal(result.stopped, false);
    assert.equal(result.interrupted, false);
    const rollback = events.find((e) => e.type === 'rollback-end');
    assert.deepEqual(rollback, { type: 'rollback-end', host: 'h4', ok: true, mismatches: [] });
    const ends = events.filter((e) => e.type === 'host-end').map((e) => (e.type === 'host-end' ? e.result.host : ''));
    assert.deepEqual([...ends].sort(), ['h1', 'h2', 'h3', 'h4', 'h5'], 'one host-end per host');
  });

  it('a failed canary stops the rollout: later batches are skipped (kind stopped), nothing of theirs is sent', async () => {
    const { result, hosts, events } = await runFake({ c1: 'apply-fails', h2: 'ok', h3: 'ok' }, { serial: [1, '100%'] });
    assert.deepEqual(summary(result.results), [
      'c1 rolled-back kernel-refused',
      'h2 skipped stopped',
      'h3 skipped stopped',
    ]);
    assert.equal(result.stopped, true);
    // claimed (connected + locked) up front, but never read
    assert.deepEqual(hosts.get('h2')?.sent, []);
    const batchEnds = events.filter((e) => e.type === 'batch-end');
    assert.equal(batchEnds.length, 1);
  });

  it('an interrupt starts no new host: hosts not yet started are skipped, kind interrupted', async () => {
    const { result } = await runFake({ a: 'ok', b: 'ok', c: 'ok' }, { serial: [1, '100%'] }, 1);
    assert.deepEqual(summary(result.results), ['a changed -', 'b skipped interrupted', 'c skipped interrupted']);
    assert.equal(result.interrupted, true);
  });
});
