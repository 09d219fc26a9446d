/** Pure: the verdicts a second interrupt leaves, and the exact rollback command every left host gets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStopNow, rollbackCommand } from '../../src/cli/stop-now.js';
import type { HostResult, RunEvent } from '../../src/runner/events.js';

const result = (host: string, outcome: HostResult['outcome'], error: string | null = null): HostResult => ({
  host,
  outcome,
  batch: 0,
  steps: [],
  warnings: [],
  error,
  rollbackMismatches: [],
});
const hostEnds = (events: RunEvent[]): Array<[string, string, string | null]> =>
  events.flatMap((e) =>
    e.type === 'host-end' ? [[e.result.host, e.result.outcome, e.result.error] as [string, string, string | null]] : [],
  );

describe('stop-now', () => {
  it('quotes every value of the rollback command', () => {
    assert.equal(
      rollbackCommand('R1', "-i '/tmp/my inv.yaml'", 'web1'),
      "conntrack-fleet rollback --run R1 -i '/tmp/my inv.yaml' -l web1",
    );
  });

  it('before a second interrupt: verdicts pass unchanged, a failed rollback gets the retry command', () => {
    const events: RunEvent[] = [];
    const stop = createStopNow('R1', '-i inv.yaml', (e) => events.push(e));
    stop.emit({ type: 'host-end', result: result('a', 'changed') });
    stop.emit({
      type: 'host-end',
      result: result('b', 'rollback-failed', 'ROLLBACK FAILED: x. Fix by hand: modprobe nf_conntrack'),
    });
    assert.deepEqual(hostEnds(events), [
      ['a', 'changed', null],
      [
        'b',
        'rollback-failed',
        'ROLLBACK FAILED: x. Fix by hand: modprobe nf_conntrack; to retry the rollback: conntrack-fleet rollback --run R1 -i inv.yaml -l b',
      ],
    ]);
  });

  it('after a second interrupt: cut-off hosts are left for rollback with their command, unstarted ones skipped, run-end 130 once', () => {
    const events: RunEvent[] = [];
    const stop = createStopNow('R1', '-i inv.yaml', (e) => events.push(e));
    stop.emit({
      type: 'run-start',
      runId: 'R1',
      hosts: ['a', 'b', 'c', 'd'],
      steps: [],
      batches: [['a', 'b', 'c', 'd']],
    });
    for (const host of ['a', 'b', 'c']) stop.emit({ type: 'host-start', host, batch: 0 });
    stop.emit({ type: 'host-end', result: result('a', 'changed') });
    stop.begin();
    stop.emit({ type: 'rollback-end', host: 'b', ok: false, mismatches: ['x'] });
    stop.emit({
      type: 'host-end',
      result: result('b', 'rollback-failed', 'ROLLBACK FAILED: stopping: no new remote script is started'),
    });
    stop.end();
    stop.emit({ type: 'run-end', exitCode: 4, summary: {} as never });
    const left = (host: string): string =>
      `stopped by a second interrupt before it was restored; left for: conntrack-fleet rollback --run R1 -i inv.yaml -l ${host}`;
    assert.deepEqual(hostEnds(events), [
      ['a', 'changed', null],
      ['b', 'failed', left('b')],
      ['c', 'failed', left('c')],
      ['d', 'skipped', 'interrupted before it started'],
    ]);
    assert.doesNotMatch(JSON.stringify(events), /ROLLBACK FAILED/);
    const ends = events.filter((e) => e.type === 'run-end');
    assert.equal(ends.length, 1);
    assert.equal(ends[0]?.type === 'run-end' && ends[0].exitCode, 130);
  });
});
