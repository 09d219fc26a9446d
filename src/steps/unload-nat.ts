/** unload_nat: removes the NAT/conntrack modules in holder order, or refuses while they are used. */
import type { HostFacts } from '../facts/types.js';
import type { StepSpec } from '../playbook/types.js';
import { describeBlocker, findLoadBlockers } from './modprobe-rules.js';
import { analyzeUnload } from './module-graph.js';
import { refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import type { Change, PlanContext, StepDefinition } from './types.js';
import { dropsConntrackValues, pinRuntimeValues } from './unload-pins.js';

type UnloadNatSpec = Extract<StepSpec, { kind: 'unload_nat' }>;

function findRefusal(facts: HostFacts, blockers: string[]): string | null {
  if (facts.natRulesInUse) {
    const evidence = facts.natRuleEvidence.length > 0 ? facts.natRuleEvidence.join('; ') : 'no detail';
    return `NAT/conntrack rules are in use (${evidence}); remove them first`;
  }
  if (facts.kubeProxy) return 'kube-proxy runs here and needs nf_conntrack';
  if (blockers.length > 0) return blockers.join('; ');
  if (!facts.isRoot) return 'not root: cannot unload modules';
  return null;
}

/**
 * The undo reloads every removed module with modprobe; when modprobe.d makes that impossible (an `install M
 * /bin/false`), removing would leave a host no rollback can restore, so the step refuses before any change.
 */
function undoRefusal(facts: HostFacts, order: readonly string[]): string | null {
  const found = findLoadBlockers(facts.bootConfig, order);
  if (found.length === 0) return null;
  return `the undo could not load the modules again: ${found.map(describeBlocker).join('; ')}; remove or fix that line first`;
}

export function planUnloadNat(spec: UnloadNatSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const { facts } = context;
  if (facts.conntrack === 'builtin') {
    plan.lines.push('not applicable: nf_conntrack is built into the kernel');
    return { plan, context };
  }
  const { order, blockers, keptDefrag } = analyzeUnload(facts.modules);
  plan.before = { modules: order };
  plan.after = { modules: [] };
  if (order.length === 0) {
    plan.lines.push('no NAT/conntrack module is loaded');
    return { plan, context };
  }
  const refusal = findRefusal(facts, blockers) ?? undoRefusal(facts, order);
  if (refusal) return { plan: refusePlan(plan, refusal), context };
  plan.lines.push(`rmmod ${order.join(', ')}`);
  if (keptDefrag.length > 0) plan.lines.push(`kept ${keptDefrag.join(', ')}: used outside the NAT/conntrack chain`);
  const pins = dropsConntrackValues(order) ? pinRuntimeValues(facts) : [];
  if (pins.length > 0)
    plan.lines.push(`undo reloads them and writes back ${pins.length} runtime values (max, table size, timeouts)`);
  plan.changes = [...pins, ...order.map((module): Change => ({ kind: 'module-unload', module }))];
  return { plan, context };
}

export const unloadNatStep: StepDefinition<UnloadNatSpec> = {
  kind: 'unload_nat',
  filesNeeded: () => [],
  readsRules: true,
  plan: planUnloadNat,
};
