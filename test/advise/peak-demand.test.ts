import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviseHost, defaultAdviseOptions } from '../../src/advise/advise-host.js';
import { peakAgeText, peakDemandFactor } from '../../src/advise/peak-demand.js';
import type { PeakFact } from '../../src/facts/peak.js';
import { modular61Nft } from '../fixtures/steps/facts.js';

const day = 86_400;
const nowMs = 1_764_470_000_000;
const nowS = nowMs / 1000;
const kept = (count: number, ageSeconds: number, source = 'check'): PeakFact => {
  const record = { count, atSeconds: nowS - ageSeconds, source };
  return { stored: record, read: 'ok', write: 'off', kept: record };
};
const options = { headroom: 2, maxAgeDays: 30, nowMs };

describe('peakDemandFactor: demand = max(count now, a peak younger than --peak-max-age-days) × headroom', () => {
  const cases = [
    {
      name: 'no peak file: the count now, line as before',
      count: 60000,
      fact: { stored: null, read: 'none', write: 'off', kept: null } as PeakFact,
      entries: 120000,
      used: null,
      line: /^demand: highest count seen 60000 \(now\) × headroom 2 = 120000$/,
    },
    {
      name: 'not gathered: the count now',
      count: 60000,
      fact: null,
      entries: 120000,
      used: null,
      line: /^demand: highest count seen 60000 \(now\) × headroom 2 = 120000$/,
    },
    {
      name: 'a higher fresh peak wins',
      count: 60000,
      fact: kept(183442, 3 * day),
      entries: 366884,
      used: true,
      line: /^demand: highest count seen 183442 \(peak 3 d ago, by check; now 60000\) × headroom 2 = 366884$/,
    },
    {
      name: 'a lower peak: the count now, the peak shown',
      count: 60000,
      fact: kept(50000, 2 * 3600, 'watch'),
      entries: 120000,
      used: true,
      line: /^demand: highest count seen 60000 \(now; peak 50000 2 h ago\) × headroom 2 = 120000$/,
    },
    {
      name: 'a peak older than 30 d is shown, not used',
      count: 60000,
      fact: kept(183442, 45 * day),
      entries: 120000,
      used: false,
      line: /^demand: highest count seen 60000 \(now\) × headroom 2 = 120000; peak 183442 45 d ago not used \(older than 30 d\)$/,
    },
    {
      name: 'exactly 30 d old is still used',
      count: 1,
      fact: kept(1000, 30 * day),
      entries: 2000,
      used: true,
      line: /peak 30 d ago/,
    },
    {
      name: 'count unreadable, fresh peak: the peak alone',
      count: null,
      fact: kept(1000, 60),
      entries: 2000,
      used: true,
      line: /^demand: highest count seen 1000 \(peak 1 min ago, by check; count now unreadable\)/,
    },
    {
      name: 'count unreadable, stale peak: no demand',
      count: null,
      fact: kept(1000, 40 * day),
      entries: null,
      used: false,
      line: /^demand: nf_conntrack_count unknown \(not readable\); peak 1000 40 d ago not used/,
    },
    {
      name: 'peak file unreadable (not root): said, not used',
      count: 10,
      fact: { stored: null, read: 'unreadable', write: 'off', kept: null } as PeakFact,
      entries: 20,
      used: null,
      line: /; peak file unreadable \(not root: use become\), not used$/,
    },
    {
      name: 'peak file not a peak line: said',
      count: 10,
      fact: { stored: null, read: 'invalid', write: 'off', kept: null } as PeakFact,
      entries: 20,
      used: null,
      line: /; peak file not a `COUNT EPOCH SOURCE` line, not used$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { factor, peak } = peakDemandFactor(c.count, c.fact, options);
      assert.equal(factor.name, 'demand');
      assert.equal(factor.entries, c.entries);
      assert.match(factor.line, c.line);
      assert.equal(peak?.used ?? null, c.used);
    });
  }

  it('--peak-max-age-days moves the cut-off', () => {
    assert.equal(peakDemandFactor(10, kept(1000, 8 * day), { ...options, maxAgeDays: 7 }).factor.entries, 20);
    assert.equal(peakDemandFactor(10, kept(1000, 8 * day), { ...options, maxAgeDays: 9 }).factor.entries, 2000);
  });
});

describe('peakAgeText', () => {
  const cases: [number, string][] = [
    [-3600, 'in the future (clocks disagree)'],
    [-5, 'just now'],
    [59, 'just now'],
    [60, '1 min ago'],
    [3599, '59 min ago'],
    [3600, '1 h ago'],
    [47 * 3600, '47 h ago'],
    [48 * 3600, '2 d ago'],
  ];
  for (const [seconds, text] of cases) it(`${seconds} s`, () => assert.equal(peakAgeText(seconds), text));
});

describe('adviseHost with a kept peak', () => {
  it('a peak of 183442 three days ago sizes a quiet 6.1 host to 393216 and is reported with its age', () => {
    const facts = { ...modular61Nft(), count: 2400, memTotalBytes: 8 * 1024 ** 3, peak: kept(183442, 3 * day) };
    const advice = adviseHost(facts, null, { ...defaultAdviseOptions, nowMs });
    assert.equal(advice.refusal, null, advice.reasons.join('\n'));
    assert.equal(advice.max, 393216);
    assert.match(advice.reasons[0] ?? '', /\(peak 3 d ago, by check; now 2400\)/);
    assert.deepEqual(advice.peak, {
      count: 183442,
      atSeconds: nowS - 3 * day,
      source: 'check',
      ageSeconds: 3 * day,
      used: true,
    });
  });

  it('the same peak 60 days old leaves the quiet host at 65536', () => {
    const facts = { ...modular61Nft(), peak: kept(183442, 60 * day) };
    const advice = adviseHost(facts, null, { ...defaultAdviseOptions, nowMs });
    assert.equal(advice.max, 65536);
    assert.equal(advice.peak?.used, false);
    assert.match(advice.reasons[0] ?? '', /not used \(older than 30 d\)$/);
    assert.equal(adviseHost(facts, null, { ...defaultAdviseOptions, nowMs, peakMaxAgeDays: 90 }).max, 393216);
  });
});
