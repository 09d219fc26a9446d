import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepOutcome } from '../../src/runner/outcome.js';
import { describeEvent, describeStepResult, formatSoak } from '../../src/report/run-lines.js';
import { batches, hostResult, step } from './run-events.fixture.js';

describe('describeStepResult', () => {
  const cases: [StepOutcome, string | null, string][] = [
    ['changed', null, 'raise_max: nf_conntrack_max 65536 → 262144 ok'],
    ['unchanged', null, 'raise_max: nf_conntrack_max 65536 → 262144 unchanged'],
    ['planned', null, 'raise_max: nf_conntrack_max 65536 → 262144 planned'],
    ['failed', 'write refused', 'raise_max: nf_conntrack_max 65536 → 262144 FAILED: write refused'],
    ['not-run', null, 'raise_max: nf_conntrack_max 65536 → 262144 not run'],
    ['rolled-back', null, 'raise_max: nf_conntrack_max 65536 → 262144 rolled back'],
  ];
  for (const [outcome, error, expected] of cases) {
    it(outcome, () => assert.equal(describeStepResult(step(0, outcome, error)), expected));
  }
});

describe('describeEvent', () => {
  const context = { batches, verbose: false };

  it('keeps connect chatter for verbose mode only', () => {
    assert.deepEqual(describeEvent({ type: 'host-connected', host: 'lab1' }, context), []);
    assert.deepEqual(describeEvent({ type: 'host-connected', host: 'lab1' }, { ...context, verbose: true }), [
      { prefix: 'lab1', text: 'connected', tone: 'normal' },
    ]);
  });

  it('says a host verdict and each of its warnings on its own line', () => {
    const lines = describeEvent(
      { type: 'host-end', result: hostResult('lab1', 0, 'skipped', { error: 'locked by run r1', warnings: ['w1'] }) },
      context,
    );
    assert.deepEqual(
      lines.map((l) => `${l.prefix}: ${l.text}`),
      ['lab1: skipped: locked by run r1', 'lab1: warning: w1'],
    );
  });

  it('names each host that failed a gate', () => {
    const lines = describeEvent(
      { type: 'gate-end', batch: 0, failedHosts: [{ host: 'lab2', reason: '3 new drops' }] },
      context,
    );
    assert.deepEqual(
      lines.map((l) => `${l.prefix}: ${l.text}`),
      ['lab2: gate failed: 3 new drops', 'fleet: gate after batch 1/2 failed: 1 host'],
    );
  });

  it('formats soak durations', () => {
    assert.deepEqual([30000, 1500, 0].map(formatSoak), ['30s', '1500ms', '0s']);
  });
});

describe('describeEvent in check mode', () => {
  const end = (outcome: 'changed' | 'unchanged' | 'unreachable', checkMode: boolean) =>
    describeEvent(
      {
        type: 'host-end',
        result: hostResult('lab1', 0, outcome, outcome === 'unreachable' ? { error: 'connect ECONNREFUSED' } : {}),
      },
      { batches, verbose: false, checkMode },
    )[0]?.text;
  const cases: [string | undefined, string][] = [
    [end('changed', true), 'would change'],
    [end('changed', false), 'changed'],
    [end('unchanged', true), 'unchanged'],
    [end('unreachable', true), 'unreachable: connect ECONNREFUSED'],
  ];
  for (const [actual, expected] of cases) it(expected, () => assert.equal(actual, expected));
  it('prints no line for host-log events (they go to stderr through verbose.ts)', () => {
    assert.deepEqual(
      describeEvent(
        { type: 'host-log', host: 'lab1', stage: 'done', exchange: 'script', durationMs: 5 },
        { batches, verbose: true },
      ),
      [],
    );
  });
});
