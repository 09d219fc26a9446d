import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeakFact } from '../../src/facts/peak.js';
import { peakVerboseLine, toPeakJson } from '../../src/report/peak-report.js';

const record = { count: 183442, atSeconds: 1_764_470_000, source: 'check' };
const at = '2025-11-30T02:33:20.000Z';

describe("toPeakJson: what check's JSON says per host", () => {
  const cases: { name: string; fact: PeakFact | null | undefined; expect: unknown }[] = [
    { name: 'not gathered / host not read', fact: undefined, expect: null },
    { name: 'section missing', fact: null, expect: null },
    {
      name: 'written',
      fact: { stored: null, read: 'none', write: 'wrote', kept: record },
      expect: { count: 183442, at, source: 'check', write: 'wrote', read: 'none' },
    },
    {
      name: '--no-peak, none kept',
      fact: { stored: null, read: 'none', write: 'off', kept: null },
      expect: { count: null, at: null, source: null, write: 'off', read: 'none' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toPeakJson(c.fact), c.expect));
});

describe('peakVerboseLine: the -v line', () => {
  const cases: { fact: PeakFact; line: RegExp }[] = [
    {
      fact: { stored: null, read: 'none', write: 'wrote', kept: record },
      line: new RegExp(
        `^lab1: peak 183442 \\(${at.replace(/\./g, '\\.')}, check\\) in /var/lib/conntrack-fleet/journal/peak: new peak written$`,
      ),
    },
    {
      fact: { stored: record, read: 'ok', write: 'not-higher', kept: record },
      line: /: count not above it: file unchanged$/,
    },
    {
      fact: { stored: null, read: 'unreadable', write: 'not-writable', kept: null },
      line: /^lab1: peak none kept \(file unreadable\) in .*: skipped: the journal directory is not writable \(not root: use become\)$/,
    },
    { fact: { stored: null, read: 'none', write: 'off', kept: null }, line: /: not written \(--no-peak\)$/ },
    {
      fact: { stored: record, read: 'ok', write: 'failed', kept: record, error: 'mv: \u001b[31mno' },
      line: /: write failed: mv: \\x1b\[31mno$/,
    },
  ];
  for (const c of cases) it(c.fact.write, () => assert.match(peakVerboseLine('lab1', c.fact), c.line));
});
