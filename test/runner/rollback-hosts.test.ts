/** rollBackHosts over fake hosts: what the journals decide offline, and what needs the host, each with its kind. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '../../src/changes/change.js';
import { RemoteError } from '../../src/errors.js';
import { rollbackExitCode } from '../../src/cli/rollback.js';
import type { RunEvent } from '../../src/runner/events.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import type { HostJournals } from '../../src/runner/read-journals.js';
import { rollBackHosts } from '../../src/runner/rollback-hosts.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { type FakeHost, fakeHost, type FakeHostScript, gatherReply, replies, target, testPool } from './fake-host.js';

const change: Change = {
  kind: 'knob',
  key: 'nf_conntrack_tcp_timeout_established',
  path: '/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established',
  before: '432000',
  after: '86400',
};

function entry(runId: string, startedAt: string, state: JournalEntry['state'] = 'done'): JournalEntry {
  return {
    version: 1,
    run_id: runId,
    playbook: 'p.yaml',
    host: 'h',
    started_at: startedAt,
    updated_at: startedAt,
    state,
    changes: [change],
    applied_count: 1,
  };
}

const r1 = entry('R1', '2026-11-29T10:00:00Z');
const restores: FakeHostScript = { replies: { apply: [replies.undone], gather: [replies.gathered] } };

const hostCases: [string, Omit<HostJournals, 'target'>, FakeHostScript, string][] = [
  [
    'journals not read',
    { entries: [], error: 'h: connect ECONNREFUSED', errorKind: 'unreachable' },
    {},
    'unreachable unreachable',
  ],
  ['no journal of the run', { entries: [entry('R0', '2026-11-29T09:00:00Z')], error: null }, {}, 'skipped no-journal'],
  [
    'already rolled back',
    { entries: [entry('R1', '2026-11-29T10:00:00Z', 'rolled-back')], error: null },
    {},
    'unchanged -',
  ],
  [
    'a newer run changed the same knob',
    { entries: [r1, entry('R2', '2026-11-29T11:00:00Z')], error: null },
    {},
    'failed refused',
  ],
  [
    'locked by a run in progress',
    { entries: [r1], error: null },
    { lockLine: 'busy R9 since 2026-11-29T12:00:00Z' },
    'skipped lock',
  ],
  ['restored and verified', { entries: [r1], error: null }, restores, 'rolled-back -'],
  [
    'restored but the read-back differs',
    { entries: [r1], error: null },
    { replies: { apply: [replies.undone], gather: [gatherReply(86400)] } },
    'rollback-failed rollback',
  ],
];

async function rollBack(cases: typeof hostCases, isInterrupted = () => false) {
  const hosts = new Map<string, FakeHost>();
  const connect = async (t: HostTarget): Promise<Connection> => {
    const script = cases.find(([name]) => name === t.name)?.[2] ?? {};
    const host = fakeHost(t, script);
    hosts.set(t.name, host);
    return host.connection;
  };
  const pool = testPool(connect);
  const events: RunEvent[] = [];
  const journals = cases.map(([name, j]) => ({ target: target(name), ...j }));
  const options = {
    pool,
    runId: 'R1',
    lockId: 'rollback-X',
    startedAt: new Date(0),
    forks: 2,
    emit: (e: RunEvent) => events.push(e),
    isInterrupted,
    includeNewer: false,
    force: false,
  };
  const results = await rollBackHosts(options, journals);
  await pool.closeAll();
  return { results, events, hosts };
}

describe('rollBackHosts', () => {
  it('each host ends as data with its kind; only hosts that need it are contacted', async () => {
    const { results, events, hosts } = await rollBack(hostCases);
    assert.deepEqual(
      results.map((r) => `${r.outcome} ${r.errorKind ?? '-'}`),
      hostCases.map((c) => c[3]),
    );
    assert.match(
      results.at(-1)?.error ?? '',
      /^ROLLBACK FAILED: nf_conntrack_tcp_timeout_established is 86400, was 432000\. Fix by hand: /,
    );
    assert.deepEqual([...hosts.keys()].sort(), [
      'locked by a run in progress',
      'restored and verified',
      'restored but the read-back differs',
    ]);
    for (const [name] of hostCases) {
      const mine = events.filter(
        (e) => (e.type === 'host-start' && e.host === name) || (e.type === 'host-end' && e.result.host === name),
      );
      assert.deepEqual(
        mine.map((e) => e.type),
        ['host-start', 'host-end'],
        name,
      );
    }
    // rollback-failed beats the rest: exit 4
    assert.equal(rollbackExitCode(results, false), 4);
  });

  it('exit 0 when the only skipped hosts have no journal of the run; 1 when one was locked', async () => {
    const [, noJournal, , , locked, restored] = hostCases;
    const quiet = await rollBack([noJournal, restored] as typeof hostCases);
    assert.equal(rollbackExitCode(quiet.results, false), 0);
    const busy = await rollBack([noJournal, locked, restored] as typeof hostCases);
    assert.equal(rollbackExitCode(busy.results, false), 1);
  });

  it('after an interrupt no host is started: skipped, kind interrupted, nothing sent', async () => {
    const restored = hostCases[5] as (typeof hostCases)[number];
    const { results, hosts } = await rollBack([restored], () => true);
    assert.deepEqual(
      results.map((r) => [r.outcome, r.errorKind, r.error]),
      [['skipped', 'interrupted', 'interrupted before it started']],
    );
    assert.equal(hosts.size, 0);
    assert.equal(rollbackExitCode(results, true), 130);
  });

  it('a lock command that times out is kind timeout; one held by another run stays kind lock', async () => {
    const timedOut = new RemoteError('held command printed no line within 30000 ms', null, '', { timedOut: true });
    const { results } = await rollBack([
      ['lock timed out', { entries: [r1], error: null }, { holdError: timedOut }, ''],
      ['lock busy', { entries: [r1], error: null }, { lockLine: 'busy R9 since 2026-11-29T12:00:00Z' }, ''],
    ]);
    assert.deepEqual(
      results.map((r) => [r.host, r.outcome, r.errorKind]),
      [
        ['lock timed out', 'unreachable', 'timeout'],
        ['lock busy', 'skipped', 'lock'],
      ],
    );
  });
});

describe('rollBackHosts: drift since the run', () => {
  // run R1 set tcp_timeout_established 86400; someone set 7200 since
  const drifted: FakeHostScript = {
    replies: { gather: [gatherReply(7200), replies.gathered], apply: [replies.undone] },
  };

  async function rollBackOne(script: FakeHostScript, force: boolean) {
    const events: RunEvent[] = [];
    let sent: string[] = [];
    const pool = testPool(async (t) => {
      const host = fakeHost(t, script);
      sent = host.sent;
      return host.connection;
    });
    const options = {
      pool,
      runId: 'R1',
      lockId: 'rollback-X',
      startedAt: new Date(0),
      forks: 1,
      emit: (e: RunEvent) => events.push(e),
      isInterrupted: () => false,
      includeNewer: false,
      force,
    };
    const [result] = await rollBackHosts(options, [{ target: target('h'), entries: [r1], error: null }]);
    await pool.closeAll();
    return { result: result as NonNullable<typeof result>, sent, events };
  }

  it('a knob changed since the run: refused, kind drift, exit 1, nothing sent but the read', async () => {
    const { result, sent, events } = await rollBackOne(drifted, false);
    assert.deepEqual([result.outcome, result.errorKind], ['failed', 'drift']);
    assert.equal(
      result.error,
      'refused to roll back run R1: changed since the run: nf_conntrack_tcp_timeout_established: was 86400 set by run R1, is now 7200; nothing restored (rollback --force overwrites it)',
    );
    assert.deepEqual(sent, ['gather']);
    assert.equal(result.drift?.overwritten, false);
    assert.deepEqual(
      result.drift?.findings.map((f) => [f.kind, f.target, f.runLeft, f.now]),
      [['knob', 'nf_conntrack_tcp_timeout_established', '86400', '7200']],
    );
    assert.equal(events.filter((e) => e.type === 'rollback-start').length, 0, 'no rollback started');
    assert.equal(rollbackExitCode([result], false), 1);
  });

  it('--force restores over it and says so', async () => {
    const { result, sent } = await rollBackOne(drifted, true);
    assert.equal(result.outcome, 'rolled-back');
    assert.deepEqual(result.warnings, [
      'overwrote drift (--force): nf_conntrack_tcp_timeout_established: was 86400 set by run R1, is now 7200',
    ]);
    assert.equal(result.drift?.overwritten, true);
    assert.deepEqual(sent, ['gather', 'apply', 'gather', 'journal']);
  });

  it('no drift: rolled back as before, the drift read in place of the liveness probe (no extra round trip)', async () => {
    const { result, sent } = await rollBackOne(restores, false);
    assert.equal(result.outcome, 'rolled-back');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.drift, { findings: [], unknown: [], overwritten: false });
    assert.deepEqual(sent, ['gather', 'apply', 'gather', 'journal']);
  });

  it('the host cannot be read for the check: failed, nothing restored', async () => {
    const broken: FakeHostScript = { replies: { gather: [{ exitCode: 1, stderr: 'sh: boom' }] } };
    const { result, sent } = await rollBackOne(broken, false);
    assert.deepEqual([result.outcome, result.errorKind], ['failed', 'gather']);
    assert.match(
      result.error ?? '',
      /^could not read the host to check it for changes since the run: .*; nothing restored$/,
    );
    assert.deepEqual(sent, ['gather']);
  });
});
