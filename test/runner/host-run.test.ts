/** runHost against a fake Connection with scripted replies: each way a host's run can end, as data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError, RemoteError } from '../../src/errors.js';
import type { RunEvent } from '../../src/runner/events.js';
import { claimHosts } from '../../src/runner/fleet-locks.js';
import { acquireHostLock } from '../../src/runner/host-lock.js';
import { type HostRunRecord, runHost } from '../../src/runner/host-run.js';
import type { Connection } from '../../src/transport/connection.js';
import {
  fakeHost,
  type FakeHostScript,
  gatherReply,
  replies,
  type ScriptKind,
  target,
  testPool,
  timeoutsPlaybook,
} from './fake-host.js';

interface Case {
  name: string;
  host: FakeHostScript;
  connectError?: Error;
  /** Interrupted once this many scripts were sent. */
  interruptAfter?: number;
  outcome: string;
  errorKind: string | undefined;
  /** The failed step's own kind, when it differs from the host's (a failed rollback). */
  stepErrorKind?: string;
  error: RegExp | null;
  sent: ScriptKind[];
}

const cases: Case[] = [
  {
    name: 'connect failure: unreachable with the ConnectError kind, nothing sent',
    host: {},
    connectError: new ConnectError('host-key-changed', 'h1: host key changed'),
    outcome: 'unreachable',
    errorKind: 'host-key-changed',
    error: /host key changed/,
    sent: [],
  },
  {
    name: 'lock busy: skipped, kind lock, nothing read',
    host: { lockLine: 'busy R0 since 2026-01-01T00:00:00Z' },
    outcome: 'skipped',
    errorKind: 'lock',
    error: /^locked by run R0 since/,
    sent: [],
  },
  {
    name: 'the lock command timed out: failed, kind timeout (not lock: no other run holds it), nothing read',
    host: {
      holdError: new RemoteError('held command printed no line within 30000 ms', null, '', { timedOut: true }),
    },
    outcome: 'failed',
    errorKind: 'timeout',
    error: /^held command printed no line within 30000 ms$/,
    sent: [],
  },
  {
    name: 'gather failure: failed, kind gather, nothing changed',
    host: { replies: { gather: [{ exitCode: 1, stderr: 'sh: 1: boom' }] } },
    outcome: 'failed',
    errorKind: 'gather',
    error: /fact gathering failed \(exit 1\)/,
    sent: ['gather'],
  },
  {
    name: 'sudo refused during the gather: unreachable, kind become',
    host: {
      replies: { gather: [new ConnectError('become', 'h1: become (sudo -u root) failed: a password is required')] },
    },
    outcome: 'unreachable',
    errorKind: 'become',
    error: /become/,
    sent: ['gather'],
  },
  {
    name: 'apply succeeds: changed, journal marked done',
    host: { replies: { gather: [replies.gathered], apply: [replies.applied] } },
    outcome: 'changed',
    errorKind: undefined,
    error: null,
    sent: ['gather', 'apply', 'journal'],
  },
  {
    name: 'the kernel refused the write: rolled back and verified by a second gather, kind kernel-refused',
    host: { replies: { gather: [replies.gathered], apply: [replies.refused, replies.undone] } },
    outcome: 'rolled-back',
    errorKind: 'kernel-refused',
    error: /^set_timeouts: .*Permission denied/,
    sent: ['gather', 'apply', 'probe', 'apply', 'gather', 'journal'],
  },
  {
    name: 'written but read back otherwise: rolled back, kind verify-mismatch',
    host: { replies: { gather: [replies.gathered], apply: [replies.misread, replies.undone] } },
    outcome: 'rolled-back',
    errorKind: 'verify-mismatch',
    error: /^set_timeouts: nf_conntrack_tcp_timeout_established read back 3600, expected 86400$/,
    sent: ['gather', 'apply', 'probe', 'apply', 'gather', 'journal'],
  },
  {
    name: 'the apply script timed out: rolled back, kind timeout',
    host: { replies: { gather: [replies.gathered], apply: [replies.timedOut, replies.undone] } },
    outcome: 'rolled-back',
    errorKind: 'timeout',
    error: /^set_timeouts: apply script cut off \(timeout or lost connection\): .*timed out after 120000 ms/,
    sent: ['gather', 'apply', 'probe', 'apply', 'gather', 'journal'],
  },
  {
    name: 'apply failure and the read-back still differs: rollback-failed, kind rollback, fix-by-hand hint',
    host: {
      replies: {
        gather: [replies.gathered, gatherReply(86400)],
        apply: [replies.refused, replies.undone],
      },
    },
    outcome: 'rollback-failed',
    errorKind: 'rollback',
    stepErrorKind: 'kernel-refused',
    error: /ROLLBACK FAILED: nf_conntrack_tcp_timeout_established is 86400, was 432000\. Fix by hand: echo 432000 >/,
    sent: ['gather', 'apply', 'probe', 'apply', 'gather', 'journal'],
  },
  {
    name: 'interrupt after the gather: skipped before any change, kind interrupted',
    host: { replies: { gather: [replies.gathered] } },
    interruptAfter: 1,
    outcome: 'skipped',
    errorKind: 'interrupted',
    error: /^interrupted before any change$/,
    sent: ['gather'],
  },
];

async function run(c: Case): Promise<{ record: HostRunRecord; sent: ScriptKind[]; events: RunEvent[] }> {
  const host = fakeHost(target('h1'), c.host);
  const events: RunEvent[] = [];
  const open = async (): Promise<Connection> => {
    if (c.connectError) throw c.connectError;
    return host.connection;
  };
  const record = await runHost({
    target: target('h1'),
    batch: 0,
    playbook: timeoutsPlaybook,
    checkOnly: false,
    runId: 'R1',
    startedAt: new Date(0),
    openConnection: open,
    reopenConnection: open,
    emit: (e) => events.push(e),
    isInterrupted: () => c.interruptAfter !== undefined && host.sent.length >= c.interruptAfter,
    lock: (connection) => acquireHostLock(connection, 'R1', new Date(0)),
  });
  return { record, sent: host.sent, events };
}

for (const c of cases) {
  test(`runHost: ${c.name}`, async () => {
    const { record, sent, events } = await run(c);
    const { result } = record;
    assert.equal(result.outcome, c.outcome, result.error ?? '');
    assert.equal(result.errorKind, c.errorKind);
    const failedStep = result.steps.find((s) => s.error !== null);
    assert.equal(failedStep?.errorKind, c.stepErrorKind ?? (failedStep ? c.errorKind : undefined));
    if (c.error) assert.match(result.error ?? '', c.error);
    else assert.equal(result.error, null);
    assert.deepEqual(sent, c.sent);
    const ends = events.filter((e) => e.type === 'host-end');
    assert.equal(ends.length, 1, 'one host-end per host');
    assert.equal(events[0]?.type, 'host-start');
  });
}

test('runHost: a rolled-back host keeps nothing applied; a rollback-failed one keeps what is still in place', async () => {
  const byName = (part: string) => cases.find((c) => c.name.includes(part)) as Case;
  const rolledBack = await run(byName('rolled back and verified'));
  const failed = await run(byName('read-back still differs'));
  assert.deepEqual(rolledBack.record.applied, []);
  assert.equal(rolledBack.record.journal?.state, 'rolled-back');
  assert.equal(failed.record.applied.length, 1);
  assert.equal(failed.record.journal?.state, 'rollback-failed');
});

test('runHost: a step reads rolled-back only when the host verified as before, never after a failed rollback', async () => {
  const byName = (part: string) => cases.find((c) => c.name.includes(part)) as Case;
  const rolledBack = await run(byName('rolled back and verified'));
  const failed = await run(byName('read-back still differs'));
  const applied = (r: typeof failed) => r.record.result.steps.filter((s) => s.outcome !== 'not-run');
  assert.ok(applied(rolledBack).some((s) => s.outcome === 'rolled-back'));
  assert.deepEqual(
    applied(failed).map((s) => s.outcome),
    ['failed'],
    'the step whose value is still not back stays failed',
  );
});

test('runHost warns when the lock taken before batch 1 was lost with its connection and taken again', async () => {
  const replyScript: FakeHostScript = { replies: { gather: [replies.gathered], apply: [replies.applied] } };
  const first = fakeHost(target('h1'), replyScript);
  const second = fakeHost(target('h1'), replyScript);
  const connections = [first.connection, second.connection];
  const pool = testPool(async () => connections.shift() ?? second.connection);
  const options = { runId: 'R1', startedAt: new Date(0), emit: () => undefined, isInterrupted: () => false };
  const locks = await claimHosts({
    ...options,
    targets: [target('h1')],
    batchOf: new Map([['h1', 1]]),
    forks: 1,
    pool,
  });
  const host = (reopen: boolean) =>
    runHost({
      ...options,
      target: target('h1'),
      batch: 1,
      playbook: timeoutsPlaybook,
      checkOnly: false,
      openConnection: (t) => (reopen ? pool.reopen(t) : pool.get(t)),
      reopenConnection: (t) => pool.reopen(t),
      lock: (connection) => locks.lockFor(connection),
    });
  const warning = /locked before batch 1 was lost while the host waited.*another controller could have changed/;
  // the up-front lock on its own connection: no warning
  const kept = await host(false);
  assert.equal(
    kept.result.warnings.some((w) => warning.test(w)),
    false,
    kept.result.warnings.join('; '),
  );
  // the connection was lost meanwhile: a new one, a new lock, and the run says so
  const retaken = await host(true);
  assert.equal(retaken.result.outcome, 'changed', retaken.result.error ?? '');
  assert.ok(
    retaken.result.warnings.some((w) => warning.test(w)),
    retaken.result.warnings.join('; '),
  );
  assert.equal(first.closed(), true, 'the lost connection was closed');
  await locks.releaseAll();
});
