import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCheckCount } from '../../src/steps/check-count.js';
import { absentConntrack, builtin618, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

describe('check_count', () => {
  const cases = [
    { name: 'below both limits', count: 1000, warn: 80, fail: 95, warning: false, refusal: false },
    { name: 'above warn', count: 55000, warn: 80, fail: 95, warning: true, refusal: false },
    { name: 'above fail', count: 64000, warn: 80, fail: 95, warning: false, refusal: true },
    { name: 'no limits', count: 65000, warn: undefined, fail: undefined, warning: false, refusal: false },
  ];
  for (const c of cases) {
    it(`${c.name}: records the count and never changes anything`, () => {
      const facts = modular61Nft();
      facts.count = c.count;
      const { plan } = planCheckCount(
        spec.checkCount({ warn_above_percent: c.warn, fail_above_percent: c.fail }),
        contextOf(facts),
      );
      assert.deepEqual(plan.changes, []);
      assert.equal(plan.before.count, c.count);
      assert.equal(plan.before.max, 65536);
      assert.equal(plan.before.usage_percent, Math.round((c.count / 65536) * 1000) / 10);
      assert.equal(
        plan.warnings.some((w) => w.includes('warn_above_percent')),
        c.warning,
      );
      assert.equal(plan.refusal !== undefined, c.refusal);
      if (c.refusal)
        assert.match(plan.refusal!, /97\.7% full \(count 64000 \/ max 65536\), above fail_above_percent 95/);
    });
  }

  it('records the drop counters and warns when the table dropped connections', () => {
    const facts = builtin618();
    facts.stats = { drop: 3, early_drop: 7, insert_failed: 1, all: {} };
    const { plan } = planCheckCount(spec.checkCount(), contextOf(facts));
    assert.equal(plan.before.drop, 3);
    assert.equal(plan.before.early_drop, 7);
    assert.equal(plan.before.insert_failed, 1);
    assert.match(plan.lines[0]!, /drop 3, early_drop 7, insert_failed 1/);
    assert.ok(plan.warnings.some((w) => w.includes('drop 3, early_drop 7')));
  });

  it('says so when nf_conntrack is not loaded, without refusing', () => {
    const { plan } = planCheckCount(spec.checkCount({ fail_above_percent: 1 }), contextOf(absentConntrack()));
    assert.equal(plan.refusal, undefined);
    assert.match(plan.lines[0]!, /not loaded/);
  });

  it('uses the playbook name as label', () => {
    const step = { ...spec.checkCount(), name: 'look first' };
    assert.equal(planCheckCount(step, contextOf(builtin618())).plan.label, 'look first');
  });
});
