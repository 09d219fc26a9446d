import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviseHost, defaultAdviseOptions } from '../../src/advise/advise-host.js';
import type { HostFacts } from '../../src/facts/types.js';
import { absentConntrack, builtin618, legacy4x, modular61Nft } from '../fixtures/steps/facts.js';

function withFacts(make: () => HostFacts, change: Partial<HostFacts>): HostFacts {
  return { ...make(), ...change };
}

describe('adviseHost: the factors combined, per kernel variant', () => {
  const cases = [
    {
      name: '6.1, busy (count 60000 of 65536): demand wins, buckets = max',
      facts: withFacts(modular61Nft, { count: 60000 }),
      max: 131072,
      buckets: 131072,
      expr: 'max',
    },
    {
      name: '6.1 quiet: the current 65536 already covers 2400, kept',
      facts: modular61Nft(),
      max: 65536,
      buckets: 65536,
      expr: 'max',
    },
    {
      name: '6.18 with kube-proxy on 2 CPUs and a quiet table: current 262144 is above the 131072 floor, kept',
      facts: withFacts(builtin618, { kubeProxy: true }),
      max: 262144,
      buckets: 262144,
      expr: 'max',
    },
    {
      name: '6.1 NAT gateway with 16 CPUs: the kube-proxy floor 524288 wins over demand',
      facts: withFacts(modular61Nft, { cpus: 16, natRulesInUse: true, memTotalBytes: 32 * 1024 ** 3 }),
      max: 524288,
      buckets: 524288,
      expr: 'max',
    },
    {
      name: '4.14 busy: the classic max/4',
      facts: withFacts(legacy4x, { count: 100000 }),
      max: 262144,
      buckets: 65536,
      expr: 'max/4',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const advice = adviseHost(c.facts, null, defaultAdviseOptions);
      assert.equal(advice.refusal, null, advice.reasons.join('\n'));
      assert.equal(advice.max, c.max);
      assert.equal(advice.buckets, c.buckets);
      assert.equal(advice.bucketsExpr, c.expr);
      assert.deepEqual(
        advice.reasons.map((r) => r.split(':')[0]),
        ['demand', 'kube-proxy floor', 'max', 'kernel', 'memory', 'timeouts'],
      );
    });
  }

  it('memory: a raise beyond 5 % of RAM is refused, with the reasons kept', () => {
    const advice = adviseHost(
      withFacts(modular61Nft, { count: 1_000_000, memTotalBytes: 1024 ** 3 }),
      null,
      defaultAdviseOptions,
    );
    assert.equal(advice.max, null);
    assert.match(advice.refusal ?? '', /more than 5 % of RAM/);
    assert.ok(advice.reasons.some((r) => r.startsWith('memory:')));
  });

  it('--memory-percent moves the cap; --headroom multiplies demand', () => {
    const facts = withFacts(modular61Nft, { count: 1_000_000, memTotalBytes: 8 * 1024 ** 3 });
    assert.notEqual(adviseHost(facts, null, { headroom: 2, memoryPercent: 5 }).refusal, null);
    assert.equal(adviseHost(facts, null, { headroom: 2, memoryPercent: 10 }).max, 2_031_616);
    assert.equal(
      adviseHost(withFacts(modular61Nft, { count: 60000 }), null, { headroom: 3, memoryPercent: 5 }).max,
      196608,
    );
  });

  it('conntrack absent: no advice, said why', () => {
    const advice = adviseHost(absentConntrack(), null, defaultAdviseOptions);
    assert.match(advice.refusal ?? '', /not loaded/);
  });

  it('timeouts from the sample reach the advice', () => {
    const sample = { entries: 1000, tcp: 900, timeWait: 600, established: 300, establishedIdle: 0, idleSeconds: 3600 };
    assert.deepEqual(adviseHost(modular61Nft(), sample, defaultAdviseOptions).timeouts, { tcp_timeout_time_wait: 60 });
  });
});
