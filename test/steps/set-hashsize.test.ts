import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knobPaths } from '../../src/facts/types.js';
import { mirrorsOf } from '../../src/changes/knob-change.js';
import { planRaiseMax } from '../../src/steps/raise-max.js';
import { computeTargetHashsize, planSetHashsize } from '../../src/steps/set-hashsize.js';
import { absentConntrack, builtin618, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

const quarter = { kind: 'fraction-of-max', divisor: 4 } as const;

describe('computeTargetHashsize', () => {
  const cases = [
    { expr: quarter, max: 262144, want: 65536 },
    { expr: { kind: 'fraction-of-max', divisor: 1 } as const, max: 131072, want: 131072 },
    { expr: { kind: 'absolute', value: 1000 } as const, max: null, want: 1000 },
    { expr: quarter, max: null, want: null },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.expr)} with max ${c.max} → ${c.want}`, () => {
      assert.equal(computeTargetHashsize(c.expr, c.max), c.want);
    });
  }
});

describe('set_hashsize plan', () => {
  it('max/4 uses the max this playbook sets, writes hashsize and reads buckets back too', () => {
    const facts = modular61Nft(); // buckets 65536, max 65536
    const { plan, context } = planSetHashsize(spec.setHashsize(), contextOf(facts, { targetMax: 524288 }));
    assert.equal(plan.changes.length, 1);
    const change = plan.changes[0]!;
    assert.ok(change.kind === 'knob');
    assert.equal(change.path, knobPaths.hashsize);
    assert.equal(change.after, '131072');
    assert.deepEqual(mirrorsOf(change), [{ key: 'nf_conntrack_buckets', path: knobPaths.buckets }]);
    assert.equal(context.targetHashsize, 131072);
  });

  it('max/4 falls back to the host’s current max', () => {
    const { plan } = planSetHashsize(spec.setHashsize(), contextOf(builtin618()));
    assert.ok(plan.changes[0]?.kind === 'knob');
    assert.equal(plan.changes[0].after, '65536');
    assert.deepEqual(plan.lines, ['nf_conntrack.hashsize 262144 → 65536']);
    assert.ok(plan.warnings.some((w) => w.includes('shrinks the hash table from 262144 to 65536')));
  });

  it('accepts the kernel’s rounding up to a multiple of 512', () => {
    const { plan, context } = planSetHashsize(
      spec.setHashsize({ kind: 'absolute', value: 100000 }),
      contextOf(modular61Nft()),
    );
    const change = plan.changes[0]!;
    assert.ok(change.kind === 'knob');
    assert.deepEqual([change.after, change.accept], ['100000', ['100352']]);
    assert.match(plan.lines[0]!, /rounds 100000 up to 100352/);
    assert.equal(context.targetHashsize, 100352);
  });

  const noops = [
    { name: 'buckets equal the target', buckets: 65536, value: 65536 },
    { name: 'buckets equal the rounded target', buckets: 1024, value: 1000 },
  ];
  for (const c of noops) {
    it(`no change when ${c.name}`, () => {
      const facts = modular61Nft();
      facts.buckets = c.buckets;
      const { plan, context } = planSetHashsize(
        spec.setHashsize({ kind: 'absolute', value: c.value }),
        contextOf(facts),
      );
      assert.deepEqual(plan.changes, []);
      assert.equal(context.targetHashsize, c.buckets);
    });
  }

  it('writes nf_conntrack_buckets when hashsize is not writable', () => {
    const facts = modular61Nft();
    facts.knobs.hashsize.writable = false;
    const { plan } = planSetHashsize(spec.setHashsize({ kind: 'absolute', value: 131072 }), contextOf(facts));
    const change = plan.changes[0]!;
    assert.ok(change.kind === 'knob');
    assert.equal(change.path, knobPaths.buckets);
    assert.equal(change.key, 'nf_conntrack_buckets');
  });

  it('writes nf_conntrack_buckets when the hashsize file is absent', () => {
    const facts = modular61Nft();
    facts.knobs.hashsize = { path: knobPaths.hashsize, value: null, writable: false };
    const { plan } = planSetHashsize(spec.setHashsize({ kind: 'absolute', value: 131072 }), contextOf(facts));
    assert.ok(plan.changes[0]?.kind === 'knob');
    assert.equal(plan.changes[0].path, knobPaths.buckets);
    assert.deepEqual(mirrorsOf(plan.changes[0]), []);
  });

  const refusals = [
    {
      name: 'neither knob writable',
      facts: () => {
        const f = modular61Nft();
        f.knobs.hashsize.writable = false;
        f.knobs.buckets.writable = false;
        return f;
      },
      pattern: /nf_conntrack_buckets is read-only: the conntrack table size .* initial network namespace/,
    },
    {
      name: 'neither knob writable, not root',
      facts: () => {
        const f = Object.assign(modular61Nft(), { isRoot: false });
        f.knobs.hashsize.writable = false;
        f.knobs.buckets.writable = false;
        return f;
      },
      pattern: /^neither hashsize nor nf_conntrack_buckets is writable: not root$/,
    },
    {
      // probed with `unshare -n` on 6.18: max and buckets 0444, hashsize 0600 (test -w passes) yet EOPNOTSUPP
      name: 'container: max and buckets 0444, hashsize looks writable',
      facts: () => {
        const f = modular61Nft();
        f.knobs.max.writable = false;
        f.knobs.buckets.writable = false;
        return f;
      },
      pattern: new RegExp(
        '^/proc/sys/net/netfilter/nf_conntrack_max and /proc/sys/net/netfilter/nf_conntrack_buckets are read-only: ' +
          'the conntrack table size \\(nf_conntrack.hashsize, nf_conntrack_buckets\\) can only be changed from the initial ' +
          'network namespace \\(not in a container\\); there, writing /sys/module/nf_conntrack/parameters/hashsize fails ' +
          'with "Operation not supported"$',
      ),
    },
    {
      name: 'only max read-only (global sysctls frozen, hashsize would fail too)',
      facts: () => {
        const f = modular61Nft();
        f.knobs.max.writable = false;
        return f;
      },
      pattern: /^\/proc\/sys\/net\/netfilter\/nf_conntrack_max is read-only: .*initial network namespace/,
    },
    { name: 'conntrack absent', facts: absentConntrack, pattern: /not loaded/ },
    {
      name: 'max unknown for max/4',
      facts: () => Object.assign(modular61Nft(), { max: null }),
      pattern: /cannot compute max\/4/,
    },
  ];
  for (const r of refusals) {
    it(`refuses: ${r.name}`, () => {
      const { plan, context } = planSetHashsize(spec.setHashsize(), contextOf(r.facts()));
      assert.match(plan.refusal ?? '', r.pattern);
      assert.deepEqual(plan.changes, []);
      assert.equal(context.targetHashsize, null);
    });
  }

  const chains = [
    { name: 'max/4 gives chains of 8: no warning', value: 65536, max: 262144, warns: false },
    { name: 'max/8 gives chains of 16', value: 32768, max: 262144, warns: true },
  ];
  for (const c of chains) {
    it(`chain length: ${c.name}`, () => {
      const { plan } = planSetHashsize(
        spec.setHashsize({ kind: 'absolute', value: c.value }),
        contextOf(builtin618(), { targetMax: c.max }),
      );
      assert.equal(
        plan.warnings.some((w) => w.includes('average chains of 16 entries')),
        c.warns,
      );
    });
  }
});

describe('set_hashsize and raise_max in a container give the same explanation', () => {
  it('both name the initial network namespace and the read-only evidence', () => {
    const facts = modular61Nft();
    facts.knobs.max.writable = false;
    facts.knobs.buckets.writable = false;
    const hashsize =
      planSetHashsize(spec.setHashsize({ kind: 'absolute', value: 131072 }), contextOf(facts)).plan.refusal ?? '';
    const max = planRaiseMax(spec.raiseMax({ value: 131072 }), contextOf(facts)).plan.refusal ?? '';
    const shared = ' can only be changed from the initial network namespace (not in a container)';
    assert.ok(hashsize.includes(shared), hashsize);
    assert.ok(max.includes(shared), max);
    assert.equal(hashsize.split(':')[0], max.split(':')[0], 'the same evidence');
  });

  it('no refusal when the table already has the target size, even in a container', () => {
    const facts = modular61Nft();
    facts.knobs.buckets.writable = false;
    const { plan } = planSetHashsize(spec.setHashsize({ kind: 'absolute', value: 65536 }), contextOf(facts));
    assert.equal(plan.refusal, undefined);
    assert.deepEqual(plan.changes, []);
  });
});
