/** raise_max: sets nf_conntrack_max, never lowering it unless asked, within a memory budget. */
import type { HostFacts, KnobFact } from '../facts/types.js';
import type { RaiseMaxOptions, StepSpec } from '../playbook/types.js';
import { explainGlobalKnobRefusal } from './init-netns.js';
import { makeKnobChange } from '../changes/knob-change.js';
import { knobCount } from '../facts/sections/knobs.js';
import { kubeProxyMax } from '../kernel/table-size.js';
import { formatBytes, refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import type { PlanContext, StepDefinition, StepPlan } from './types.js';
import { NOT_LOADED_REFUSAL } from './not-loaded.js';

type RaiseMaxSpec = Extract<StepSpec, { kind: 'raise_max' }>;

/** Used when /proc/slabinfo gave no object size; measured entries are ~300–380 bytes. */
export const defaultEntryBytes = 320;

export function computeTargetMax(options: RaiseMaxOptions, cpus: number): number {
  return options.value === 'auto' ? kubeProxyMax(cpus, options.per_cpu, options.min) : options.value;
}

/** net.netfilter.nf_conntrack_max, else the older net.nf_conntrack_max on kernels with only that. */
export function chooseMaxKnob(facts: HostFacts): KnobFact | null {
  if (facts.knobs.max.value !== null) return facts.knobs.max;
  if (facts.knobs.maxAlias.value !== null) return facts.knobs.maxAlias;
  return null;
}

interface MemoryVerdict {
  refusal?: string;
  warning?: string;
}

export function checkMemory(target: number, facts: HostFacts, maxMemoryPercent: number): MemoryVerdict {
  const entryBytes = facts.entryBytes ?? defaultEntryBytes;
  const needBytes = target * entryBytes;
  if (facts.memTotalBytes === null) {
    return { warning: `memory guard skipped: MemTotal unknown (a full table would need ${formatBytes(needBytes)})` };
  }
  const budgetBytes = (facts.memTotalBytes * maxMemoryPercent) / 100;
  if (needBytes <= budgetBytes) return {};
  return {
    refusal:
      `nf_conntrack_max ${target} would need up to ${formatBytes(needBytes)} of unswappable memory ` +
      `(${target} × ${entryBytes} bytes), more than max_memory_percent ${maxMemoryPercent}% ` +
      `of MemTotal ${formatBytes(facts.memTotalBytes)}`,
  };
}

function warnKubeProxy(plan: StepPlan, facts: HostFacts, target: number): void {
  const theirs = kubeProxyMax(facts.cpus);
  if (facts.kubeProxy && theirs !== target) {
    plan.warnings.push(`kube-proxy runs here and resets nf_conntrack_max to ${theirs} at every start`);
  }
}

export function planRaiseMax(spec: RaiseMaxSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const { facts } = context;
  const { options } = spec;
  const target = computeTargetMax(options, facts.cpus);
  plan.before = { max: facts.max };
  plan.after = { max: target };
  if (facts.conntrack === 'absent') return { plan: refusePlan(plan, NOT_LOADED_REFUSAL), context };
  const knob = chooseMaxKnob(facts);
  const current = knobCount(knob?.value);
  // no nf_conntrack_max sysctl at all: nf_conntrack is not loaded (or not in this network namespace)
  if (knob === null) return { plan: refusePlan(plan, NOT_LOADED_REFUSAL), context };
  if (current === null)
    return {
      plan: refusePlan(plan, `nf_conntrack_max could not be read (got ${JSON.stringify(knob.value ?? null)})`),
      context,
    };
  plan.before = { max: current };
  if (target === current) {
    plan.lines.push(`nf_conntrack_max ${current} (already)`);
    warnKubeProxy(plan, facts, target);
    return { plan, context: { ...context, targetMax: current } };
  }
  if (target < current && !options.allow_lower) {
    plan.after = { max: current };
    plan.lines.push(`nf_conntrack_max ${current} (kept: target ${target} is lower)`);
    plan.warnings.push(
      `target ${target} is below the current nf_conntrack_max ${current}; not lowering it (set allow_lower: true to lower)`,
    );
    // Persist then keeps the live value rather than letting a reboot lower it.
    return { plan, context: { ...context, targetMax: current } };
  }
  if (target > current) {
    const memory = checkMemory(target, facts, options.max_memory_percent);
    if (memory.refusal) return { plan: refusePlan(plan, memory.refusal), context };
    if (memory.warning) plan.warnings.push(memory.warning);
  }
  if (!knob.writable)
    return { plan: refusePlan(plan, explainGlobalKnobRefusal('nf_conntrack_max', facts, knob)), context };
  const via = knob.path === facts.knobs.max.path ? '' : ` (via ${knob.path})`;
  plan.lines.push(`nf_conntrack_max ${current} → ${target}${via}`);
  plan.changes.push(
    makeKnobChange({ key: 'nf_conntrack_max', path: knob.path, before: String(current), after: String(target) }),
  );
  warnKubeProxy(plan, facts, target);
  return { plan, context: { ...context, targetMax: target } };
}

export const raiseMaxStep: StepDefinition<RaiseMaxSpec> = {
  kind: 'raise_max',
  filesNeeded: () => [],
  readsRules: false,
  plan: planRaiseMax,
};
