/** set_timeouts: writes the nf_conntrack_*timeout* sysctls that differ from the target. */
import { timeoutPath } from '../facts/types.js';
import type { StepSpec } from '../playbook/types.js';
import { makeKnobChange } from '../changes/knob-change.js';
import { refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import type { PlanContext, StepDefinition } from './types.js';
import { NOT_LOADED_REFUSAL } from './not-loaded.js';

type SetTimeoutsSpec = Extract<StepSpec, { kind: 'set_timeouts' }>;

/** Timeouts kube-proxy rewrites at every start. */
const kubeProxyTimeouts = ['tcp_timeout_established', 'tcp_timeout_close_wait'];

/** Accepts `tcp_timeout_established` and the full `nf_conntrack_tcp_timeout_established`. */
export function normalizeTimeoutName(name: string): string {
  return name.startsWith('nf_conntrack_') ? name.slice('nf_conntrack_'.length) : name;
}

export function normalizeTimeouts(timeouts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timeouts).map(([name, value]) => [normalizeTimeoutName(name), value]));
}

export function planSetTimeouts(spec: SetTimeoutsSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const { facts } = context;
  const wanted = normalizeTimeouts(spec.options.timeouts);
  const names = Object.keys(wanted).sort();
  plan.before = Object.fromEntries(names.map((name) => [name, facts.timeouts[name] ?? null]));
  plan.after = { ...wanted };
  if (facts.conntrack === 'absent') return { plan: refusePlan(plan, NOT_LOADED_REFUSAL), context };
  const unknown = names.filter((name) => facts.timeouts[name] === undefined);
  if (unknown.length > 0) {
    const valid = Object.keys(facts.timeouts).sort().join(', ') || 'none';
    return { plan: refusePlan(plan, `unknown timeout ${unknown.join(', ')}; this kernel has: ${valid}`), context };
  }
  for (const name of names) {
    const current = facts.timeouts[name] as number;
    const target = wanted[name] as number;
    if (current === target) continue;
    const key = `nf_conntrack_${name}`;
    plan.lines.push(`${key} ${current} → ${target}`);
    plan.changes.push(makeKnobChange({ key, path: timeoutPath(name), before: String(current), after: String(target) }));
  }
  if (plan.changes.length === 0) plan.lines.push(`${names.length} timeout(s) already set`);
  if (plan.changes.length > 0 && !facts.isRoot)
    return { plan: refusePlan(plan, 'not root: cannot write timeouts'), context };
  const rewritten = names.filter((name) => kubeProxyTimeouts.includes(name));
  if (facts.kubeProxy && rewritten.length > 0) {
    plan.warnings.push(`kube-proxy runs here and resets ${rewritten.join(', ')} at every start`);
  }
  const targetTimeouts = { ...context.targetTimeouts, ...wanted };
  return { plan, context: { ...context, targetTimeouts } };
}

export const setTimeoutsStep: StepDefinition<SetTimeoutsSpec> = {
  kind: 'set_timeouts',
  filesNeeded: () => [],
  readsRules: false,
  plan: planSetTimeouts,
};
