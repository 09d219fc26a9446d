/**
 * When the fleet lets a host go (fleet-release.ts): a one-batch run locks each host at its turn and releases it at
 * its end; a rollout holds every host until it ends; what a record keeps for the gate and on_abort.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '../../src/changes/change.js';
import type { HostFacts } from '../../src/facts/types.js';
import type { Playbook } from '../../src/playbook/types.js';
import type { RunEvent } from '../../src/runner/events.js';
import { runFleet } from '../../src/runner/fleet.js';
import { forgetAfterBatch, keptAtHostEnd, type RunShape } from '../../src/runner/fleet-release.js';
import type { HostRunRecord } from '../../src/runner/host-run-types.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import { hostResult } from '../../src/runner/step-results.js';
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

const applies: FakeHostScript = { replies: { gather: [replies.gathered], apply: [replies.applied] } };

interface Watched {
  events: RunEvent[];
  hosts: Map<string, FakeHost>;
  /** Per host-end event: the hosts whose connection was open (connected, not closed) right then. */
  openAtEnds: string[][];
  /** Most connections open at once. */
  peakOpen: number;
  /** Hosts connected, in order. */
  connected: string[];
}

async function runWatched(
  names: string[],
  options: { playbook?: Partial<Playbook>; forks?: number; checkOnly?: boolean; busy?: string[]; stopAfter?: number },
): Promise<Watched> {
  const hosts = new Map<string, FakeHost>();
  const connected: string[] = [];
  const open = () => [...hosts].filter(([, h]) => !h.closed()).map(([n]) => n);
  let peakOpen = 0;
  const connect = async (t: HostTarget): Promise<Connection> => {
    // a real connect takes a while: the releases started before it have ended by then
    await new Promise((resolve) => setTimeout(resolve, 2));
    const busy = options.busy?.includes(t.name) === true;
    const host = fakeHost(t, busy ? { lockLine: 'busy R0 since 2026-01-01T00:00:00Z' } : applies);
    hosts.set(t.name, host);
    connected.push(t.name);
    peakOpen = Math.max(peakOpen, open().length);
    return host.connection;
  };
  const pool = testPool(connect);
  const events: RunEvent[] = [];
  const openAtEnds: string[][] = [];
  const ended = () => events.filter((e) => e.type === 'host-end').length;
  await runFleet({
    playbook: { ...timeoutsPlaybook, ...options.playbook },
    targets: names.map(target),
    forks: options.forks ?? 2,
    checkOnly: options.checkOnly ?? false,
    runId: 'R1',
    startedAt: new Date(0),
    pool,
    emit: (event) => {
      events.push(event);
      if (event.type === 'host-end') openAtEnds.push(open());
    },
    isInterrupted: () => options.stopAfter !== undefined && ended() >= options.stopAfter,
  });
  // the fleet has let go of every host before it returns: nothing is left for the caller's closeAll
  assert.deepEqual(
    [...hosts].filter(([, h]) => h.lockHeld()).map(([n]) => n),
    [],
    'every lock released when the run ends',
  );
  await pool.closeAll();
  return { events, hosts, openAtEnds, peakOpen, connected };
}

const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const outcomes = (events: RunEvent[]) =>
  events.flatMap((e) => (e.type === 'host-end' ? [`${e.result.host} ${e.result.outcome}`] : [])).sort();

describe('fleet release', () => {
  it('one batch: each host is connected and locked at its turn, and released and closed when it ends', async () => {
    const run = await runWatched(names, { forks: 2 });
    assert.deepEqual(
      outcomes(run.events),
      names.map((n) => `${n} changed`),
    );
    // never more open connections than hosts running at once, however many hosts the run has
    assert.ok(run.peakOpen <= 2, `peak ${run.peakOpen} open connections with --forks 2`);
    for (const [name, host] of run.hosts) {
      assert.equal(host.closed(), true, `${name} closed`);
      assert.equal(host.lockHeld(), false, `${name} released`);
      // the lock came before the host was read: the first script it got is the gather
      assert.equal(host.sent[0], 'gather', name);
    }
  });

  it('a rollout (several batches) holds every host, connected and locked, until the run ends', async () => {
    const run = await runWatched(names, { forks: 2, playbook: { serial: [1, '100%'] } });
    assert.deepEqual(
      outcomes(run.events),
      names.map((n) => `${n} changed`),
    );
    // every host was connected before batch 1 and none was closed while the run went on
    for (const open of run.openAtEnds) assert.deepEqual(open.sort(), [...names].sort());
    assert.equal(run.peakOpen, names.length);
  });

  it('another run holds a host: its connection is closed at once, even in a rollout; the others stay held', async () => {
    const run = await runWatched(names, { forks: 2, playbook: { serial: [1, '100%'] }, busy: ['h3'] });
    assert.ok(outcomes(run.events).includes('h3 skipped'));
    // the first host-end is h3's, during the claim; the next one, h1's in batch 1, finds every other host held
    assert.deepEqual(run.openAtEnds[0]?.includes('h3'), false);
    assert.deepEqual(run.openAtEnds[1]?.sort(), ['h1', 'h2', 'h4', 'h5', 'h6']);
  });

  it('an interrupt in a one-batch run: hosts not started are never connected; the host that ended was released', async () => {
    const run = await runWatched(names, { forks: 1, stopAfter: 1 });
    assert.deepEqual(run.connected, ['h1']);
    assert.deepEqual(outcomes(run.events), ['h1 changed', ...names.slice(1).map((n) => `${n} skipped`)]);
    assert.deepEqual(run.openAtEnds[1], [], 'h1 closed before the next host-end');
  });

  it('--check, even in several batches: a host is closed when it ends (no gate, no on_abort)', async () => {
    const run = await runWatched(names, { forks: 1, checkOnly: true, playbook: { serial: [1, '100%'] } });
    assert.ok(run.peakOpen <= 1, `peak ${run.peakOpen}`);
    assert.equal(
      [...run.hosts.values()].every((h) => h.closed()),
      true,
    );
  });
});

const facts = { kernel: 'x' } as unknown as HostFacts;
const change = { kind: 'knob' } as unknown as Change;
const journal = { state: 'done' } as unknown as JournalEntry;
const full = (): HostRunRecord => ({
  result: hostResult('h', 0, 'changed'),
  applied: [change],
  snapshot: facts,
  journal,
});
const kept = (r: HostRunRecord) => [r.applied.length > 0, r.snapshot !== null, r.journal !== null];

describe('what a record keeps', () => {
  it('at the host end: the snapshot for a gate after its batch, the changes and journal while a rollback may come', () => {
    const shape = (batches: number, playbook: Partial<RunShape['playbook']>, checkOnly = false): RunShape => ({
      batches,
      checkOnly,
      playbook: { on_abort: 'rollback-batch', ...playbook },
    });
    const gate = { soakMs: 1000 } as unknown as RunShape['playbook']['gate'];
    // [shape, batch of the host, [applied, snapshot, journal] kept]
    const table: [string, RunShape, number, boolean[]][] = [
      ['one batch', shape(1, { gate }), 0, [false, false, false]],
      ['--check', shape(3, { gate }, true), 0, [false, false, false]],
      ['rollout, gate follows', shape(3, { gate }), 1, [true, true, true]],
      ['rollout, last batch: no gate follows', shape(3, { gate }), 2, [true, false, true]],
      ['rollout, no gate, on_abort keep', shape(3, { on_abort: 'keep' }), 0, [false, false, false]],
      [
        'rollout, gate, on_abort keep: the gate may roll back',
        shape(3, { gate, on_abort: 'keep' }),
        0,
        [true, true, true],
      ],
      ['rollout, no gate, rollback-all', shape(3, { on_abort: 'rollback-all' }), 0, [true, false, true]],
    ];
    for (const [label, run, batch, expected] of table) {
      const record = full();
      const result = keptAtHostEnd(record, batch, run);
      assert.deepEqual(kept(result), expected, label);
      assert.equal(result.result, record.result, `${label}: the result is kept as is`);
    }
  });

  it('after its batch: never the snapshot; the changes and journal only for on_abort rollback-all', () => {
    for (const [onAbort, expected] of [
      ['rollback-batch', [false, false, false]],
      ['keep', [false, false, false]],
      ['rollback-all', [true, false, true]],
    ] as const) {
      const records = [full(), full()];
      forgetAfterBatch(records, { batches: 3, checkOnly: false, playbook: { on_abort: onAbort } });
      for (const record of records) assert.deepEqual(kept(record), expected, onAbort);
    }
  });
});
