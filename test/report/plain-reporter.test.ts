import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { countOutcomes } from '../../src/runner/outcome.js';
import { createPlainReporter } from '../../src/report/plain-reporter.js';
import { ansiEscape, createCapture } from './capture.fixture.js';
import { allHosts, fleetRun, hostResult, hostSequences, manualFix, step } from './run-events.fixture.js';

const summary = '5 hosts: 1 changed, 1 unchanged, 1 unreachable, 1 rolled-back, 1 rollback-failed (exit 4)';

async function runPlain(events: RunEvent[], options: { color?: boolean; verbose?: boolean } = {}): Promise<string[]> {
  const capture = createCapture();
  const reporter = createPlainReporter({
    stream: capture.stream,
    color: options.color ?? false,
    verbose: options.verbose,
  });
  events.forEach((e) => reporter.onEvent(e));
  await reporter.finish();
  return capture
    .text()
    .split('\n')
    .filter((l) => l !== '');
}

describe('plain reporter', () => {
  for (const verbose of [false, true]) {
    it(`has no ANSI and prefixes every line with a host, "fleet" or is the summary (verbose ${verbose})`, async () => {
      const lines = await runPlain(fleetRun(), { verbose });
      assert.doesNotMatch(lines.join('\n'), ansiEscape);
      const prefixes = new Set([...allHosts, 'fleet']);
      for (const line of lines.slice(0, -1))
        assert.ok(prefixes.has(line.split(': ')[0] ?? ''), `unprefixed line: ${line}`);
      assert.equal(lines.at(-1), summary);
    });
  }

  it('prints stable, greppable lines for steps, rollbacks, verdicts and gates', async () => {
    const lines = await runPlain(fleetRun());
    for (const expected of [
      'lab1: raise_max: nf_conntrack_max 65536 → 262144 ok',
      'lab1: changed',
      'lab1: warning: raise_max: memory use grows by 40 MiB',
      'lab2: rolling back: persist: read-only file system',
      'lab2: rolled back, verified exact',
      'lab2: rolled-back: persist: read-only file system',
      'lab3: unreachable: connect ECONNREFUSED 127.0.0.1:2203',
      'lab4: ROLLBACK FAILED: nf_conntrack_max is 262144, expected 65536',
      `lab4: rollback-failed: ${manualFix}`,
      'lab2: warn: soak shortened by flag',
      'fleet: gate after batch 1/2: soaking 30s',
      'fleet: gate after batch 1/2 passed',
      'fleet: journal kept on lab4 for manual repair',
    ]) {
      assert.ok(lines.includes(expected), `missing: ${expected}`);
    }
  });

  it('keeps connect and plan chatter out unless verbose', async () => {
    const quiet = await runPlain(fleetRun());
    const verbose = await runPlain(fleetRun(), { verbose: true });
    assert.ok(!quiet.includes('lab1: connected'));
    assert.ok(verbose.includes('lab1: connected'));
    assert.ok(verbose.includes('lab1: connecting (batch 1/2)'));
    assert.ok(verbose.length > quiet.length);
  });

  it('colors lines when color is on, and only the text after the host', async () => {
    const lines = await runPlain(fleetRun(), { color: true });
    assert.match(lines.join('\n'), ansiEscape);
    assert.ok(lines.some((l) => l.startsWith('lab4: \x1b[31m')));
  });

  it('a host rolled back after its verdict (gate, on_abort) gets its new verdict on its own line, warnings once', async () => {
    const lab1 = hostSequences['lab1'] ?? [];
    const lines = await runPlain([
      { type: 'run-start', runId: 'r', hosts: ['lab1'], steps: [], batches: [['lab1']] },
      ...lab1,
      { type: 'gate-end', batch: 0, failedHosts: [{ host: 'lab1', reason: 'drops rising' }] },
      { type: 'rollback-start', host: 'lab1', reason: 'gate failed after batch 1' },
      { type: 'rollback-end', host: 'lab1', ok: true, mismatches: [] },
      {
        type: 'host-end',
        result: hostResult('lab1', 0, 'rolled-back', {
          steps: [step(0, 'rolled-back')],
          warnings: ['raise_max: memory use grows by 40 MiB'],
          error: 'gate failed after batch 1',
        }),
      },
    ]);
    const changedAt = lines.indexOf('lab1: changed');
    assert.ok(changedAt >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(changedAt + 1), [
      'lab1: warning: raise_max: memory use grows by 40 MiB',
      'lab1: gate failed: drops rising',
      'fleet: gate after batch 1/1 failed: 1 host',
      'lab1: rolling back: gate failed after batch 1',
      'lab1: rolled back, verified exact',
      'lab1: rolled-back: gate failed after batch 1',
      '1 host: 1 rolled-back (exit 1)',
    ]);
  });

  it('prints only the summary when no event came', async () => {
    assert.deepEqual(await runPlain([]), ['0 hosts: none (exit 0)']);
  });
});

describe('plain reporter in check mode', () => {
  it('says "would change" on the host line and in the summary', async () => {
    const capture = createCapture();
    const reporter = createPlainReporter({ stream: capture.stream, color: false, checkMode: true });
    const events: RunEvent[] = [
      { type: 'run-start', runId: 'r', hosts: ['lab1'], steps: [], batches: [['lab1']] },
      { type: 'host-end', result: hostResult('lab1', 0, 'changed') },
      { type: 'run-end', exitCode: 0, summary: countOutcomes(['changed']) },
    ];
    events.forEach((e) => reporter.onEvent(e));
    await reporter.finish();
    assert.equal(capture.text(), 'lab1: would change\n1 host: 1 would change (exit 0)\n');
  });
});
