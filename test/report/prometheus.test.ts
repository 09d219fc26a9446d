import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupsLabel, renderPrometheus } from '../../src/report/prometheus.js';
import { answered, unreachable } from './check-results.fixture.js';
import { parseExposition, promtoolCheck } from './prometheus-parse.js';

const nowMs = 1_764_460_800_123;
const results = [
  answered('web1', {
    count: 52429,
    max: 65536,
    buckets: 16384,
    stats: { drop: 7, early_drop: 3, insert_failed: 1, all: {} },
  }),
  answered('web"2\\', { count: null, stats: null }),
  unreachable('db1', 'connect ECONNREFUSED'),
];
const groups: Record<string, string[]> = { web1: ['all', 'web', 'prod'], 'web"2\\': ['all', 'web'], db1: ['all'] };
const text = await renderPrometheus(results, (h) => groups[h] ?? [], nowMs);
const metrics = parseExposition(text);

function valueOf(name: string, host: string): number | undefined {
  return metrics.get(`conntrack_fleet_${name}`)?.samples.find((s) => s.labels['host'] === host)?.value;
}

describe('renderPrometheus: the exposition text parses back with the names and values of the check', () => {
  it('every documented metric, with its type and help; counters end in _total', () => {
    const expected = {
      entries: 'gauge',
      entries_limit: 'gauge',
      buckets: 'gauge',
      usage_ratio: 'gauge',
      up: 'gauge',
      check_timestamp_seconds: 'gauge',
      stat_drop_total: 'counter',
      stat_early_drop_total: 'counter',
      stat_insert_failed_total: 'counter',
    };
    assert.deepEqual(
      [...metrics.keys()].sort(),
      Object.keys(expected)
        .map((n) => `conntrack_fleet_${n}`)
        .sort(),
    );
    for (const [name, type] of Object.entries(expected)) {
      const metric = metrics.get(`conntrack_fleet_${name}`);
      assert.equal(metric?.type, type, name);
      assert.ok((metric?.help.length ?? 0) > 10, `${name} has help`);
    }
  });

  const values = [
    { metric: 'entries', host: 'web1', value: 52429 },
    { metric: 'entries_limit', host: 'web1', value: 65536 },
    { metric: 'buckets', host: 'web1', value: 16384 },
    { metric: 'usage_ratio', host: 'web1', value: 52429 / 65536 },
    { metric: 'stat_drop_total', host: 'web1', value: 7 },
    { metric: 'stat_early_drop_total', host: 'web1', value: 3 },
    { metric: 'stat_insert_failed_total', host: 'web1', value: 1 },
    { metric: 'up', host: 'web1', value: 1 },
    { metric: 'up', host: 'db1', value: 0 },
    { metric: 'check_timestamp_seconds', host: 'db1', value: 1_764_460_800 },
    { metric: 'entries', host: 'db1', value: undefined },
    { metric: 'entries', host: 'web"2\\', value: undefined },
    { metric: 'entries_limit', host: 'web"2\\', value: 65536 },
    { metric: 'stat_drop_total', host: 'web"2\\', value: undefined },
  ];
  for (const v of values) {
    it(`${v.metric}{host="${v.host}"} = ${v.value ?? 'absent (unknown)'}`, () => {
      assert.equal(valueOf(v.metric, v.host), v.value);
    });
  }

  it('labels: host (escaped and read back exactly) and groups framed by commas, `all` left out', () => {
    const up = metrics.get('conntrack_fleet_up')?.samples ?? [];
    assert.deepEqual(
      up.map((s) => s.labels).sort((a, b) => (a['host'] ?? '').localeCompare(b['host'] ?? '')),
      [
        { host: 'db1', groups: '' },
        { host: 'web"2\\', groups: ',web,' },
        { host: 'web1', groups: ',prod,web,' },
      ],
    );
    assert.equal(groupsLabel(['all', 'b', 'a', 'b']), ',a,b,');
  });

  it('promtool check metrics accepts it (when promtool is installed)', (t) => {
    const verdict = promtoolCheck(text);
    if (verdict === null) return t.skip('promtool not installed (Debian package prometheus)');
    assert.ok(verdict.ok, verdict.output);
    assert.equal(verdict.output.trim(), '', 'no lint warnings');
  });
});
