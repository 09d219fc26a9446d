/** set_hashsize: resizes the conntrack hash table through hashsize, else nf_conntrack_buckets. */
import type { HostFacts, KnobFact } from '../facts/types.js';
import type { HashsizeExpr, StepSpec } from '../playbook/types.js';
import { explainGlobalKnobRefusal, nonInitialNetnsEvidence } from './init-netns.js';
import { makeKnobChange } from '../changes/knob-change.js';
import type { KnobMirror } from '../changes/change.js';
import { knobCount } from '../facts/sections/knobs.js';
import { roundUpBuckets } from '../kernel/table-size.js';
import { refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import type { Change, PlanContext, StepDefinition, StepPlan } from './types.js';
import { NOT_LOADED_REFUSAL } from './not-loaded.js';

type SetHashsizeSpec = Extract<StepSpec, { kind: 'set_hashsize' }>;

const tableSizeName = 'the conntrack table size (nf_conntrack.hashsize, nf_conntrack_buckets)';

/** Above this average chain length of a full table, lookups slow down noticeably. */
export const maxChainLength = 8;

/** The requested size, or null when it depends on a max nobody knows. */
export function computeTargetHashsize(expr: HashsizeExpr, max: number | null): number | null {
  if (expr.kind === 'absolute') return expr.value;
  if (max === null) return null;
  return Math.max(1, Math.floor(max / expr.divisor));
}

function describeExpr(expr: HashsizeExpr): string {
  return expr.kind === 'absolute' ? String(expr.value) : expr.divisor === 1 ? 'max' : `max/${expr.divisor}`;
}

function currentBuckets(facts: HostFacts): number | null {
  return facts.buckets ?? knobCount(facts.knobs.buckets.value) ?? knobCount(facts.knobs.hashsize.value);
}

interface WritePlan {
  key: string;
  knob: KnobFact;
  mirrors: KnobMirror[];
}

/** The hashsize parameter when writable (buckets read back too), else nf_conntrack_buckets. */
export function chooseTableKnob(facts: HostFacts): WritePlan | null {
  const { hashsize, buckets } = facts.knobs;
  const readable = (knob: KnobFact) => knob.value !== null;
  if (readable(hashsize) && hashsize.writable) {
    const mirrors = readable(buckets) ? [{ key: 'nf_conntrack_buckets', path: buckets.path }] : [];
    return { key: 'nf_conntrack.hashsize', knob: hashsize, mirrors };
  }
  if (readable(buckets) && buckets.writable) {
    const mirrors = readable(hashsize) ? [{ key: 'nf_conntrack.hashsize', path: hashsize.path }] : [];
    return { key: 'nf_conntrack_buckets', knob: buckets, mirrors };
  }
  return null;
}

function warnChainLength(plan: StepPlan, max: number | null, buckets: number): void {
  if (max === null) return;
  const chain = (2 * max) / buckets;
  if (chain <= maxChainLength) return;
  plan.warnings.push(
    `a full table would average chains of ${chain.toFixed(1).replace(/\.0$/, '')} entries ` +
      `(2 × max ${max} / ${buckets} buckets), above ${maxChainLength}; since Linux 5.15 the default is buckets = max`,
  );
}

function describeRounding(target: number, rounded: number): string {
  return rounded === target ? '' : ` (the kernel rounds ${target} up to ${rounded})`;
}

function buildChange(write: WritePlan, current: number, target: number, rounded: number): Change {
  return makeKnobChange({
    key: write.key,
    path: write.knob.path,
    before: write.knob.value ?? String(current),
    after: String(target),
    accept: [String(rounded)],
    mirrors: write.mirrors,
  });
}

/**
 * Outside the initial netns the hashsize file still says 0600 (so `test -w` passes) but the kernel answers the
 * write with EOPNOTSUPP, and buckets is 0444: refuse at plan time with the reason raise_max gives.
 */
function refuseOutsideInitialNetns(facts: HostFacts): string | null {
  if (nonInitialNetnsEvidence(facts) === null) return null;
  const why = explainGlobalKnobRefusal(tableSizeName, facts, facts.knobs.buckets);
  return `${why}; there, writing ${facts.knobs.hashsize.path} fails with "Operation not supported"`;
}

export function planSetHashsize(spec: SetHashsizeSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const { facts } = context;
  const max = context.targetMax ?? facts.max;
  const current = currentBuckets(facts);
  const target = computeTargetHashsize(spec.options.value, max);
  plan.before = { buckets: current };
  plan.after = { buckets: target === null ? null : roundUpBuckets(target) };
  if (facts.conntrack === 'absent') return { plan: refusePlan(plan, NOT_LOADED_REFUSAL), context };
  if (target === null) {
    return {
      plan: refusePlan(plan, `cannot compute ${describeExpr(spec.options.value)}: nf_conntrack_max unknown`),
      context,
    };
  }
  const rounded = roundUpBuckets(target);
  const next = { ...context, targetHashsize: rounded };
  warnChainLength(plan, max, rounded);
  if (facts.kubeProxy)
    plan.warnings.push('kube-proxy runs here and raises the table to max/4 at every start when smaller');
  if (current === target || current === rounded) {
    plan.lines.push(`nf_conntrack_buckets ${current} (already)`);
    return { plan, context: next };
  }
  const refusal = refuseOutsideInitialNetns(facts);
  if (refusal) return { plan: refusePlan(plan, refusal), context };
  const write = chooseTableKnob(facts);
  if (write === null) {
    const why = facts.isRoot ? 'the table size can only be changed from the initial network namespace' : 'not root';
    return { plan: refusePlan(plan, `neither hashsize nor nf_conntrack_buckets is writable: ${why}`), context };
  }
  if (current !== null && rounded < current) {
    plan.warnings.push(
      `this shrinks the hash table from ${current} to ${rounded} buckets (longer chains when the table fills)`,
    );
  }
  plan.lines.push(`${write.key} ${current ?? '?'} → ${target}${describeRounding(target, rounded)}`);
  plan.changes.push(buildChange(write, current ?? 0, target, rounded));
  return { plan, context: next };
}

export const setHashsizeStep: StepDefinition<SetHashsizeSpec> = {
  kind: 'set_hashsize',
  filesNeeded: () => [],
  readsRules: false,
  plan: planSetHashsize,
};
