import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCheckJson } from '../../src/report/check-json.js';
import { withAlarms } from '../../src/facts/check-result.js';
import { answered, unreachable } from './check-results.fixture.js';

const topKeys = [
  'host',
  'reachable',
  'error',
  'kernel',
  'conntrack',
  'modules',
  'nat_rules_in_use',
  'nat_rule_evidence',
  'kube_proxy',
  'peak',
  'alarm',
  'problems',
];
const conntrackKeys = ['presence', 'count', 'max', 'buckets', 'hashsize', 'usage_percent', 'timeouts', 'stats'];

describe('toCheckJson', () => {
  it('has exactly the documented keys, nested ones included', () => {
    const json = toCheckJson(answered('lab1'));
    assert.deepEqual(Object.keys(json).sort(), [...topKeys].sort());
    assert.deepEqual(Object.keys(json.conntrack ?? {}).sort(), [...conntrackKeys].sort());
    assert.deepEqual(Object.keys(json.conntrack?.stats ?? {}).sort(), ['drop', 'early_drop', 'insert_failed']);
    assert.deepEqual(Object.keys(json.modules[0] ?? {}).sort(), ['name', 'used_by']);
  });

  it('carries the facts over as they are', () => {
    const json = toCheckJson(
      answered('lab1', {
        natRulesInUse: true,
        natRuleEvidence: ['-A POSTROUTING -j MASQUERADE'],
        kubeProxy: true,
        problems: ['p1'],
      }),
    );
    assert.equal(json.kernel, '6.18.44');
    assert.deepEqual(json.conntrack, {
      presence: 'module',
      count: 1200,
      max: 65536,
      buckets: 65536,
      hashsize: 65536,
      usage_percent: 1.8,
      timeouts: { tcp_timeout_established: 432000, tcp_timeout_time_wait: 120, udp_timeout: 30 },
      stats: { drop: 0, early_drop: 0, insert_failed: 0 },
    });
    assert.deepEqual(
      [json.nat_rules_in_use, json.nat_rule_evidence, json.kube_proxy, json.problems],
      [true, ['-A POSTROUTING -j MASQUERADE'], true, ['p1']],
    );
  });

  it('keeps only NAT / conntrack modules, with their holders', () => {
    const json = toCheckJson(answered('lab1'));
    assert.deepEqual(
      json.modules.map((m) => m.name),
      [
        'nf_conntrack',
        'nf_nat',
        'nf_defrag_ipv4',
        'nf_defrag_ipv6',
        'xt_conntrack',
        'xt_MASQUERADE',
        'iptable_nat',
        'ip_tables',
        'x_tables',
      ],
    );
    assert.deepEqual(json.modules[0]?.used_by, ['nf_nat', 'xt_conntrack', 'xt_MASQUERADE']);
  });

  it('gives an unreachable host the same keys, with nulls', () => {
    const json = toCheckJson(unreachable('lab3', 'auth failed'));
    assert.deepEqual(Object.keys(json).sort(), [...topKeys].sort());
    assert.deepEqual(json, {
      host: 'lab3',
      reachable: false,
      error: 'auth failed',
      kernel: null,
      conntrack: null,
      modules: [],
      nat_rules_in_use: null,
      nat_rule_evidence: [],
      kube_proxy: null,
      peak: null,
      alarm: false,
      problems: [],
    });
  });

  it('lists the alarms first in problems, then what could not be read; alarm: true', () => {
    const result = withAlarms(
      answered('lab1', {
        count: 65536,
        stats: { drop: 1234, early_drop: 0, insert_failed: 0, all: {} },
        problems: ['iptables-save not found'],
      }),
      { failAbovePercent: 90 },
    );
    const json = toCheckJson(result);
    assert.equal(json.alarm, true);
    assert.deepEqual(json.problems, [
      'usage 100.0% ≥ 90% (65536 of nf_conntrack_max 65536)',
      '1234 drops (packets dropped: table full or entry not created)',
      'iptables-save not found',
    ]);
    assert.equal(toCheckJson(withAlarms(answered('ok', { problems: ['p1'] }), { failAbovePercent: 90 })).alarm, false);
  });

  it('keeps the stats keys when stats could not be read', () => {
    assert.deepEqual(toCheckJson(answered('a', { stats: null })).conntrack?.stats, {
      drop: null,
      early_drop: null,
      insert_failed: null,
    });
  });
});
