import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckResult, withAlarms } from '../../src/facts/check-result.js';
import { formatCheckSummary, renderCheck } from '../../src/report/check-render.js';
import { toCheckJson } from '../../src/report/check-json.js';
import { ansiEscape } from './capture.fixture.js';
import { answered, unreachable } from './check-results.fixture.js';

const stats = (drop: number, insertFailed: number) => ({ drop, early_drop: 0, insert_failed: insertFailed, all: {} });

describe('renderCheck (plain/tree text)', () => {
  const cases: {
    name: string;
    result: CheckResult;
    warnAt?: number;
    flagged: boolean;
    has: string[];
    lacks?: string[];
  }[] = [
    {
      name: 'healthy host: the compact line, no marker',
      result: answered('lab1'),
      flagged: false,
      has: [
        'lab1  6.18.44  module  count 1200/65536 (1.8%)  buckets 65536  hashsize 65536  drops 0  tcp_est 432000 tw 120  nat-modules 9  nat-rules no  kube-proxy no',
      ],
      lacks: ['WARN'],
    },
    {
      name: 'usage at the default 80% threshold',
      result: answered('lab1', { count: 52429 }),
      flagged: true,
      has: ['WARN: usage 80.0% ≥ 80%'],
    },
    {
      name: 'usage just under the threshold',
      result: answered('lab1', { count: 52428 }),
      flagged: false,
      has: ['(80.0%)'],
      lacks: ['WARN'],
    },
    {
      name: 'a custom threshold',
      result: answered('lab1', { count: 40000 }),
      warnAt: 60,
      flagged: true,
      has: ['WARN: usage 61.0% ≥ 60%'],
    },
    {
      name: 'drops',
      result: answered('lab1', { stats: stats(12, 0) }),
      flagged: true,
      has: ['drops 12', 'WARN: 12 drops'],
    },
    {
      name: 'early_drop',
      result: answered('lab1', { stats: { drop: 0, early_drop: 5, insert_failed: 0, all: {} } }),
      flagged: true,
      has: ['WARN: 5 early_drop'],
    },
    {
      name: 'insert_failed',
      result: answered('lab1', { stats: stats(0, 3) }),
      flagged: true,
      has: ['WARN: 3 insert_failed'],
      lacks: ['WARN: 0 drops'],
    },
    {
      name: 'missing values shown as ?',
      result: answered('lab1', { count: null, buckets: null, hashsize: null, stats: null, timeouts: {}, kernel: '' }),
      flagged: false,
      has: ['lab1  ?  module  count ?/65536 (?%)  buckets ?  hashsize ?  drops ?  tcp_est ? tw ?'],
    },
    {
      name: 'conntrack absent',
      result: answered('lab1', { conntrack: 'absent', count: null, max: null, modules: [] }),
      flagged: false,
      has: ['absent  count ?/? (?%)', 'nat-modules 0'],
    },
    {
      name: 'NAT rules and kube-proxy',
      result: answered('lab1', { natRulesInUse: true, kubeProxy: true }),
      flagged: false,
      has: ['nat-rules yes  kube-proxy yes'],
    },
    {
      name: 'unreachable host with its error',
      result: unreachable('lab1', 'connect ETIMEDOUT'),
      flagged: true,
      has: ['lab1! unreachable: connect ETIMEDOUT'],
    },
    {
      name: 'problems listed under the host',
      result: answered('lab1', { problems: ['iptables-save not found', 'not root: stats unreadable'] }),
      flagged: false,
      has: ['\n      problem: iptables-save not found\n      problem: not root: stats unreadable\n'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = renderCheck([c.result], { format: 'plain', color: false, usageWarnPercent: c.warnAt });
      for (const expected of c.has)
        assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in\n${text}`);
      for (const absent of c.lacks ?? []) assert.ok(!text.includes(absent), `unexpected ${absent}`);
      assert.equal(text.startsWith('lab1!'), c.flagged, `marker ${c.flagged ? 'missing' : 'unexpected'}:\n${text}`);
      assert.doesNotMatch(text, ansiEscape);
    });
  }

  it('a host with alarms: marked, its problems listed under it (alarms first), counted in the summary', () => {
    const full = withAlarms(
      answered('lab1', { count: 65536, stats: stats(1234, 0), problems: ['iptables-save not found'] }),
      { failAbovePercent: 90 },
    );
    const text = renderCheck([full, answered('lab2')], { format: 'plain', color: false });
    assert.ok(text.startsWith('lab1! '), text);
    assert.ok(
      text.includes(
        '\n      problem: usage 100.0% ≥ 90% (65536 of nf_conntrack_max 65536)\n      problem: 1234 drops (packets dropped: table full or entry not created)\n      problem: iptables-save not found\n',
      ),
      text,
    );
    assert.equal(text.trimEnd().split('\n').at(-1), '2 hosts: 2 answered, 1 with problems');
  });

  it('an alarm below the WARN threshold still marks the host', () => {
    const half = withAlarms(answered('lab1', { count: 32768 }), { failAbovePercent: 50 });
    const text = renderCheck([half], { format: 'plain', color: false });
    assert.ok(text.startsWith('lab1! '), text);
    assert.ok(text.includes('problem: usage 50.0% ≥ 50%'), text);
  });

  it('aligns hosts of different name lengths and ends with the count line', () => {
    const text = renderCheck(
      [answered('a'), answered('longer-host', { stats: stats(1, 0) }), unreachable('b', 'auth failed')],
      { format: 'tree', color: false },
    );
    const lines = text.trimEnd().split('\n');
    assert.ok(lines[0]?.startsWith('a            6.18.44'));
    assert.ok(lines[1]?.startsWith('longer-host! 6.18.44'));
    assert.ok(lines[2]?.startsWith('b          ! unreachable: auth failed'));
    assert.equal(lines.at(-1), '3 hosts: 2 answered, 1 unreachable');
  });

  it('highlights with color only when asked, keeping the text markers', () => {
    const text = renderCheck([answered('lab1', { stats: stats(4, 0) })], { format: 'plain', color: true });
    assert.match(text, ansiEscape);
    assert.ok(text.replace(/\x1b\[[0-9;]*m/g, '').includes('lab1! 6.18.44'));
    assert.ok(text.includes('WARN: 4 drops'));
  });

  it('renders JSON as an array of toCheckJson objects', () => {
    const results = [answered('lab1'), unreachable('lab2', 'x')];
    assert.deepEqual(JSON.parse(renderCheck(results, { format: 'json', color: true })), results.map(toCheckJson));
  });
});

describe('formatCheckSummary', () => {
  const cases: [CheckResult[], string][] = [
    [[answered('a'), answered('b'), answered('c'), answered('d'), answered('e')], '5 hosts: 5 answered'],
    [
      [answered('a'), answered('b'), answered('c'), answered('d'), unreachable('e', 'x')],
      '5 hosts: 4 answered, 1 unreachable',
    ],
    [[unreachable('a', 'x')], '1 host: 0 answered, 1 unreachable'],
    [[], '0 hosts: 0 answered'],
  ];
  for (const [results, expected] of cases) it(expected, () => assert.equal(formatCheckSummary(results), expected));
});
