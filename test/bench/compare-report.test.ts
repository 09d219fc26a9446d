/** compare-report.ts: medians and ranges, ratios to the floor / script / Ansible medians, and the printed table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable, spread, summarize, type RowResult } from './compare-report.js';

const sample = (wallS: number, ok = true) => ({
  wallS,
  cpuS: wallS / 10,
  maxRssMb: 80,
  machineCpuS: wallS * 1.5,
  ok,
  summary: ok ? 'ok' : 'exit 1',
});

describe('spread', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count, ignoring NaN', () => {
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spread([4, 1, Number.NaN, 2, 3]), { median: 2.5, min: 1, max: 4 });
    assert.ok(Number.isNaN(spread([]).median));
  });
});

describe('summarize and renderTable', () => {
  const rows: RowResult[] = [
    { id: 'ssh2-floor', label: 'floor', samples: [sample(0.5), sample(0.4), sample(0.6)], census: null },
    { id: 'by-hand', label: 'script', samples: [sample(1), sample(1)], census: null },
    { id: 'ansible', label: 'Ansible', samples: [sample(20)], census: null },
    {
      id: 'run',
      label: 'run',
      samples: [sample(2), sample(3, false), sample(2.5)],
      census: { connections: [1, 1], channels: [2, 2], execs: 144 },
    },
  ];

  it('divides each median by the floor, script and Ansible medians and counts failed repetitions', () => {
    const run = summarize(rows).find((r) => r.id === 'run');
    assert.equal(run?.vsFloor, 5);
    assert.equal(run?.vsByHand, 2.5);
    assert.equal(run?.vsAnsible, 0.125);
    assert.equal(run?.failedRepetitions, 1);
    assert.deepEqual(run?.summaries, ['ok', 'exit 1']);
  });

  it('prints one markdown row per tool with the census columns', () => {
    const lines = renderTable(summarize(rows)).split('\n');
    assert.equal(lines.length, 2 + rows.length);
    assert.equal(lines.at(-1), '| run | 2.50 (2.00–3.00) | 5.0 | 2.50 | 0.13 | 80 | 0.25 | 3.75 | 1 | 2 | 144 | 1 |');
    const unmeasured = summarize([
      { id: 'x', label: 'x', samples: [{ ...sample(1), machineCpuS: undefined }], census: null },
    ]);
    assert.match(renderTable(unmeasured).split('\n').at(-1) ?? '', /\| 0\.10 \| – \| – \|/, 'no machine CPU: –, not 0');
  });
});
