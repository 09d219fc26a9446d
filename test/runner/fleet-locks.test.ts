/** claimHosts with scripted fake hosts: who is claimed, who is reported at once, how many connect at once, what is released. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError, RemoteError } from '../../src/errors.js';
import type { RunEvent } from '../../src/runner/events.js';
import { claimHosts, retakenAfterLoss } from '../../src/runner/fleet-locks.js';
import type { Connection, HoldOptions, HostTarget } from '../../src/transport/connection.js';
import { testPool } from './fake-host.js';

type Behaviour = 'free' | 'busy' | 'refused' | 'lost-while-locking' | 'silent';

function target(name: string): HostTarget {
  return { name, address: '127.0.0.1', port: 22, user: 'root', become: false, becomeUser: 'root', vars: {} };
}

interface FakeFleet {
  connect: (t: HostTarget) => Promise<Connection>;
  /** Most connects in progress at once. */
  peakConnecting: () => number;
  held: () => string[];
  lockAttempts: () => string[];
  /** The warmSession hint each host's lock was taken with (HoldOptions). */
  warm: () => Map<string, boolean | undefined>;
}

function fakeFleet(behaviours: Record<string, Behaviour>): FakeFleet {
  let connecting = 0;
  let peak = 0;
  const held = new Set<string>();
  const attempts: string[] = [];
  const warm = new Map<string, boolean | undefined>();
  const connect = async (t: HostTarget): Promise<Connection> => {
    connecting += 1;
    peak = Math.max(peak, connecting);
    await new Promise((resolve) => setTimeout(resolve, 5));
    connecting -= 1;
    const behaviour = behaviours[t.name] ?? 'free';
    if (behaviour === 'refused') throw new ConnectError('unreachable', `${t.name}: connection refused`);
    return {
      target: t,
      runScript: () => Promise.reject(new Error('not used')),
      hold: async (script: string, options?: HoldOptions) => {
        attempts.push(t.name);
        warm.set(t.name, options?.warmSession);
        // the verdict is a record with the script's own token (src/remote/records.ts)
        const token = /^cf_tok=(\S+)$/m.exec(script)?.[1] ?? 'none';
        if (behaviour === 'lost-while-locking') throw new ConnectError('connection-lost', `${t.name}: connection lost`);
        // as the transport says it (exec-channel.ts holdExec): a timed-out RemoteError
        if (behaviour === 'silent')
          throw new RemoteError('held command printed no line within 30000 ms', null, '', { timedOut: true });
        if (behaviour === 'busy')
          return {
            firstLine: `@@cf ${token} busy other-run since 2026-01-01T00:00:00.000Z`,
            release: async () => undefined,
          };
        held.add(t.name);
        return { firstLine: `@@cf ${token} locked`, release: async () => void held.delete(t.name) };
      },
      close: async () => undefined,
      onLost: () => undefined,
    };
  };
  return {
    connect,
    peakConnecting: () => peak,
    held: () => [...held].sort(),
    lockAttempts: () => attempts,
    warm: () => warm,
  };
}

test('claimHosts locks every reachable free host up front, reports the others at once, and releases all at the end', async () => {
  const behaviours: Record<string, Behaviour> = { h2: 'busy', h3: 'refused', h5: 'lost-while-locking' };
  const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8'];
  const fleet = fakeFleet(behaviours);
  const pool = testPool(fleet.connect);
  const events: RunEvent[] = [];
  const batchOf = new Map(names.map((n, i) => [n, i < 2 ? 0 : 1] as const));
  const locks = await claimHosts({
    targets: names.map(target),
    batchOf,
    forks: 3,
    pool,
    runId: 'r1',
    startedAt: new Date(0),
    emit: (e) => events.push(e),
    isInterrupted: () => false,
  });

  assert.equal(fleet.peakConnecting(), 3, 'no more than --forks hosts are claimed at once');
  assert.deepEqual(fleet.held(), ['h1', 'h4', 'h6', 'h7', 'h8']);
  const unclaimed = [...locks.unclaimed.values()].map((r) => [r.host, r.batch, r.outcome, r.error]);
  assert.deepEqual(unclaimed.sort(), [
    ['h2', 0, 'skipped', 'locked by run other-run since 2026-01-01T00:00:00.000Z'],
    ['h3', 1, 'unreachable', 'h3: connection refused'],
    ['h5', 1, 'unreachable', 'h5: connection lost'],
  ]);
  assert.deepEqual(events.map((e) => (e.type === 'host-end' ? e.result.host : e.type)).sort(), ['h2', 'h3', 'h5']);

  // batch 1 starts at once, so its hosts open their script session with the lock; a later batch's host only waits
  const hints = [...fleet.warm()].filter(([host]) => host !== 'h5').sort();
  assert.deepEqual(hints, [
    ['h1', true],
    ['h2', true],
    ['h4', false],
    ['h6', false],
    ['h7', false],
    ['h8', false],
  ]);

  // the host's run gets the lock taken up front on the same connection: no second lock command
  const before = fleet.lockAttempts().length;
  const upFront = await locks.lockFor(await pool.get(target('h1')));
  assert.equal(upFront.kind, 'locked');
  assert.equal(retakenAfterLoss(upFront), false);
  assert.equal(fleet.lockAttempts().length, before);
  // a new connection (the first was lost and reopened) takes the lock again, and keeps it to the end too; the host's
  // run warns that it was without this run's lock in between
  const reopened = await pool.reopen(target('h4'));
  const again = await locks.lockFor(reopened);
  assert.equal(again.kind, 'locked');
  assert.equal(retakenAfterLoss(again), true);
  assert.equal(fleet.lockAttempts().length, before + 1);

  await locks.releaseAll();
  assert.deepEqual(fleet.held(), []);
});

test('claimHosts after an interrupt claims nothing more: the rest are skipped before they started', async () => {
  const fleet = fakeFleet({});
  const pool = testPool(fleet.connect);
  const locks = await claimHosts({
    targets: ['a', 'b', 'c'].map(target),
    batchOf: new Map(),
    forks: 1,
    pool,
    runId: 'r2',
    startedAt: new Date(0),
    emit: () => undefined,
    // the interrupt arrives once the first host is locked (forks 1: the hosts are claimed one by one)
    isInterrupted: () => fleet.held().length > 0,
  });
  assert.deepEqual(fleet.held(), ['a']);
  assert.deepEqual(
    [...locks.unclaimed.values()].map((r) => [r.host, r.outcome, r.error]),
    [
      ['b', 'skipped', 'interrupted before it started'],
      ['c', 'skipped', 'interrupted before it started'],
    ],
  );
  await locks.releaseAll();
});

test('claimHosts: a lock command that times out is not reported as locked: the host is left to its own run', async () => {
  const fleet = fakeFleet({ quiet: 'silent', busy: 'busy' });
  const pool = testPool(fleet.connect);
  const locks = await claimHosts({
    targets: ['quiet', 'busy'].map(target),
    batchOf: new Map(),
    forks: 2,
    pool,
    runId: 'r3',
    startedAt: new Date(0),
    emit: () => undefined,
    isInterrupted: () => false,
  });
  // only the busy host is reported (kind lock); the silent one's run tries again and reports kind timeout
  // (host-run.test.ts)
  assert.deepEqual(
    [...locks.unclaimed.values()].map((r) => [r.host, r.outcome, r.errorKind]),
    [['busy', 'skipped', 'lock']],
  );
  await locks.releaseAll();
});
