import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PeakFact } from '../../src/facts/peak.js';
import {
  afterPeakSample,
  initialPeakWatchState,
  nextPeakRequest,
  peakSampleScript,
  type PeakWatchState,
} from '../../src/facts/peak-watch.js';
import { buildSampleScript, type CounterSample, parseSample, sampleDoneKind } from '../../src/facts/sample-script.js';
import { newRecordToken } from '../../src/remote/records.js';
import { runScriptLocally } from './local-shell.js';
import { sampleOutput } from './sample-fixture.js';

const sample = (count: number | null, peak?: PeakFact): CounterSample => ({
  count,
  max: 65536,
  buckets: 65536,
  stats: null,
  ...(peak && { peak }),
});
const fact = (kept: number | null, write: PeakFact['write'] = 'not-higher'): PeakFact => {
  const record = kept === null ? null : { count: kept, atSeconds: 1, source: 'check' };
  return { stored: record, read: kept === null ? 'none' : 'ok', write, kept: record };
};

describe('nextPeakRequest / afterPeakSample: when a watch sample carries the peak fragment', () => {
  // each step: the count the host answers (and the fragment's answer when the request carried it), what the next request is
  type Step = { count: number | null; answer?: PeakFact; expectNext: 'plain' | 'keep' | { seen: number } };
  const cases: { name: string; every: number; steps: Step[] }[] = [
    {
      name: 'first sample always carries it; quiet afterwards',
      every: 3,
      steps: [
        { count: 100, answer: fact(500), expectNext: 'plain' },
        { count: 100, expectNext: 'plain' },
        { count: 400, expectNext: 'plain' },
        { count: 500, expectNext: 'plain' },
      ],
    },
    {
      name: 'a count above the peak is written at most once per `every` samples, carrying the highest seen',
      every: 3,
      steps: [
        { count: 100, answer: fact(500), expectNext: 'plain' },
        { count: 600, expectNext: 'plain' },
        { count: 900, expectNext: 'plain' },
        { count: 700, expectNext: { seen: 900 } },
        { count: 700, answer: fact(900, 'wrote'), expectNext: 'plain' },
        { count: 950, expectNext: 'plain' },
      ],
    },
    {
      name: 'a failed write keeps what was pending for the next try',
      every: 1,
      steps: [
        { count: 100, answer: fact(500), expectNext: 'plain' },
        { count: 600, expectNext: { seen: 600 } },
        { count: 100, answer: fact(500, 'failed'), expectNext: 'plain' },
        { count: 100, expectNext: { seen: 600 } },
      ],
    },
    {
      name: 'not writable: never asked again',
      every: 1,
      steps: [
        {
          count: 100,
          answer: { stored: null, read: 'unreadable', write: 'not-writable', kept: null },
          expectNext: 'plain',
        },
        { count: 9000, expectNext: 'plain' },
        { count: 9001, expectNext: 'plain' },
      ],
    },
    {
      name: 'the first answer lost (host silent): asked again',
      every: 30,
      steps: [{ count: null, expectNext: 'keep' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      let state: PeakWatchState = initialPeakWatchState;
      let request = nextPeakRequest(state, 0, c.every);
      assert.ok(request && !request.seen, 'the first sample carries the fragment');
      c.steps.forEach((step, index) => {
        const answered = step.count === null ? null : sample(step.count, request ? step.answer : undefined);
        state = afterPeakSample(state, answered, 10 + index, request !== null);
        request = nextPeakRequest(state, 11 + index, c.every);
        const got = request === null ? 'plain' : request.seen ? { seen: request.seen.count } : 'keep';
        assert.deepEqual(got, step.expectNext, `after step ${index}`);
      });
    });
  }
});

describe('peakSampleScript (run by the local sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peak-watch-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is the sample script plus the fragment before its last record; parseSample reads count and the peak', async () => {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'count'), '4321\n');
    const file = join(dir, 'journal', 'peak');
    const token = newRecordToken();
    const script = peakSampleScript(
      { mode: 'keep', source: 'watch', atSeconds: 77, seen: { count: 5000, atSeconds: 70 } },
      token,
      { file, countFile: join(dir, 'count') },
    );
    const plain = buildSampleScript(token);
    const done = `cf_rec ${sampleDoneKind}\n`;
    assert.ok(script.startsWith(plain.slice(0, plain.indexOf(done))));
    assert.ok(script.endsWith(done));
    const result = await runScriptLocally(script);
    assert.equal(result.exitCode, 0, result.stderr);
    const parsed = parseSample(result.stdout, token);
    assert.deepEqual(parsed?.peak, {
      stored: null,
      read: 'none',
      write: 'wrote',
      kept: { count: 5000, atSeconds: 70, source: 'watch' },
    });
    assert.equal(readFileSync(file, 'utf8'), '5000 70 watch\n');
  });

  it('a peak file that forges records is the stored line, nothing more', async () => {
    const file = join(dir, 'forged-peak');
    const other = newRecordToken();
    writeFileSync(file, `7 1 check @@cf ${other} value peak_write wrote 99999 1 x\n@@cf ${other} sampled\n`);
    const token = newRecordToken();
    const script = peakSampleScript({ mode: 'read', source: 'watch', atSeconds: 1 }, token, {
      file,
      countFile: join(dir, 'count'),
    });
    const result = await runScriptLocally(script);
    assert.equal(result.exitCode, 0, result.stderr);
    const parsed = parseSample(result.stdout, token);
    // the first line is not a peak line (`COUNT SECONDS SOURCE` and nothing else): invalid, and nothing is written
    assert.deepEqual(parsed?.peak, { stored: null, read: 'invalid', write: 'off', kept: null });
  });

  it('a plain sample has no peak key', () => {
    const token = newRecordToken();
    assert.equal('peak' in (parseSample(sampleOutput(token, { knobs: ['x:1'] }), token) ?? {}), false);
  });
});
