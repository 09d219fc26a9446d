/** --quiet's output: the errors and the summary line, for run/rollback, check, watch and advise reporters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withAlarms } from '../../src/facts/check-result.js';
import type { WatchRow } from '../../src/facts/sample-rates.js';
import { renderAdviceText } from '../../src/report/advise-render.js';
import { createCheckReporter } from '../../src/report/check-reporter.js';
import { createRunReporter } from '../../src/report/run-reporter.js';
import { formatWatchQuiet, highestRates } from '../../src/report/watch-summary.js';
import { createCapture } from './capture.fixture.js';
import { answered, unreachable } from './check-results.fixture.js';
import { fleetRun, hostResult, manualFix } from './run-events.fixture.js';

async function quietRun(format: 'tree' | 'plain' | 'json', events = fleetRun()): Promise<string> {
  const capture = createCapture({ isTTY: true });
  const reporter = createRunReporter({ format, stream: capture.stream, color: false, quiet: true });
  events.forEach((e) => reporter.onEvent(e));
  await reporter.finish();
  return capture.text();
}

describe('run/rollback --quiet', () => {
  it('prints the failed, rolled-back, unreachable and rollback-failed verdicts and the summary; no tree, no warnings', async () => {
    for (const format of ['tree', 'plain'] as const) {
      const lines = (await quietRun(format)).trimEnd().split('\n');
      assert.deepEqual(
        lines,
        [
          'lab2: rolled-back: persist: read-only file system',
          'lab3: unreachable: connect ECONNREFUSED 127.0.0.1:2203',
          `lab4: rollback-failed: ${manualFix}`,
          '5 hosts: 1 changed, 1 unchanged, 1 unreachable, 1 rolled-back, 1 rollback-failed (exit 4)',
        ],
        format,
      );
    }
  });

  it('a stopped rollout and a failed gate are errors; a rolled-back host of `rollback` (no error) is not', async () => {
    const events = [
      { type: 'run-start', runId: 'r', hosts: ['a', 'b'], steps: [], batches: [['a'], ['b']] },
      { type: 'host-end', result: hostResult('a', 0, 'rolled-back') },
      { type: 'gate-end', batch: 0, failedHosts: [{ host: 'a', reason: 'drops rising' }] },
      { type: 'batch-end', batch: 0, failed: 0, total: 1, stopped: true },
      { type: 'message', level: 'warn', text: 'SIGINT: starting no new host' },
      { type: 'message', level: 'error', text: 'journal unreadable' },
      {
        type: 'run-end',
        exitCode: 3,
        summary: {
          unchanged: 0,
          changed: 0,
          failed: 0,
          'rolled-back': 1,
          'rollback-failed': 0,
          unreachable: 0,
          skipped: 0,
        },
      },
    ] as Parameters<typeof quietRun>[1];
    const lines = (await quietRun('plain', events)).trimEnd().split('\n');
    assert.deepEqual(lines, [
      'a: gate failed: drops rising',
      'fleet: gate after batch 1/2 failed: 1 host',
      'fleet: rollout stopped after batch 1/2: 0 of 1 hosts failed',
      'fleet: error: journal unreadable',
      '2 hosts: 1 skipped, 1 rolled-back (exit 3)', // b never started: counted, not listed
    ]);
  });

  it('-o json is unchanged by --quiet', async () => {
    const report = JSON.parse(await quietRun('json')) as { hosts: unknown[] };
    assert.equal(report.hosts.length, 5);
  });
});

describe('check --quiet', () => {
  it('only the hosts with a problem (no answer, an alarm), in inventory order, then the summary', async () => {
    const capture = createCapture({ isTTY: true });
    const alarm = { failAbovePercent: 90 };
    const reporter = createCheckReporter({
      format: 'tree',
      stream: capture.stream,
      color: false,
      hosts: ['ok1', 'full', 'down'],
      quiet: true,
    });
    reporter.onResult(withAlarms(unreachable('down', 'connect ECONNREFUSED'), alarm));
    reporter.onResult(withAlarms(answered('ok1'), alarm));
    reporter.onResult(withAlarms(answered('full', { count: 64000, max: 65536 }), alarm));
    await reporter.finish();
    const text = capture.text();
    assert.doesNotMatch(text, /^ok1/m);
    assert.match(text, /^full\b[^\n]*\n(?:\s+.*\n)*down!/m);
    assert.match(text.trimEnd().split('\n').at(-1) ?? '', /^3 hosts: 2 answered, 1 unreachable, 1 with problems$/);
  });
});

const row = (host: string, fields: Partial<WatchRow> = {}): WatchRow => ({
  host,
  up: true,
  error: null,
  lastAnsweredMs: 0,
  count: 100,
  max: 1000,
  usagePercent: 10,
  perSecond: { drop: 0, early_drop: 0, insert_failed: 0, chaintoolong: null },
  ...fields,
});

describe('watch --quiet', () => {
  it('the hosts not answering, full or dropping, worst first, then the summary', () => {
    const rows = [
      row('calm'),
      row('full', { count: 900, max: 1000, usagePercent: 90 }),
      row('drops', { perSecond: { drop: 2.5, early_drop: 0, insert_failed: 0, chaintoolong: null } }),
      row('gone', { up: false, error: 'no answer within 2000 ms' }),
    ];
    assert.equal(
      formatWatchQuiet(rows, 5, 80),
      'gone: not answering: no answer within 2000 ms\n' +
        'drops: drop 2.50/s\n' +
        'full: 90.0% full (900/1000)\n' +
        '1 host: no sample before the watch stopped\n' +
        '5 hosts: 4 with problems (1 at or above 80%, 1 dropping, 2 not answering)\n',
    );
    assert.equal(
      formatWatchQuiet([row('calm')], 1, 80),
      '1 host: 0 with problems (0 at or above 80%, 0 dropping, 0 not answering)\n',
    );
  });
});

describe('watch --quiet: highestRates', () => {
  it('a burst in an early interval still counts as dropping when the last interval was calm', () => {
    const calm = { drop: 0, early_drop: 0, insert_failed: 0, chaintoolong: null };
    const burst = { drop: 299.4, early_drop: 0, insert_failed: 0, chaintoolong: null };
    const first = row('lab2', { perSecond: { drop: null, early_drop: null, insert_failed: null, chaintoolong: null } });
    let highest = highestRates(null, first);
    for (const perSecond of [calm, burst, calm, calm]) highest = highestRates(highest, row('lab2', { perSecond }));
    assert.deepEqual(highest, burst);
    assert.equal(
      formatWatchQuiet([row('lab2', { perSecond: highest })], 1, 80),
      'lab2: drop 299.40/s\n1 host: 1 with problems (0 at or above 80%, 1 dropping, 0 not answering)\n',
    );
  });
});

describe('advise --quiet', () => {
  it('only the hosts without advice, then the summary', () => {
    const text = renderAdviceText(
      [{ host: 'down', reachable: false, error: 'connect ECONNREFUSED', advice: null }],
      false,
      { quiet: true },
    );
    assert.equal(text, 'down!  unreachable: connect ECONNREFUSED\n1 host: 0 advised, 1 without advice\n');
  });
});
