/** The six step kinds, keyed by kind, and the planner that runs them in playbook order. */
import type { HostFacts } from '../facts/types.js';
import type { Playbook, StepKind, StepSpec } from '../playbook/types.js';
import { checkCountStep, planCheckCount } from './check-count.js';
import { persistStep, planPersist } from './persist.js';
import type { PlannedStep } from './plan-base.js';
import { planRaiseMax, raiseMaxStep } from './raise-max.js';
import { planSetHashsize, setHashsizeStep } from './set-hashsize.js';
import { planSetTimeouts, setTimeoutsStep } from './set-timeouts.js';
import type { HostPlan, PlanContext, StepDefinition } from './types.js';
import { planUnloadNat, unloadNatStep } from './unload-nat.js';

type SpecOf<K extends StepKind> = Extract<StepSpec, { kind: K }>;

export const stepDefinitions: { [K in StepKind]: StepDefinition<SpecOf<K>> } = {
  check_count: checkCountStep,
  raise_max: raiseMaxStep,
  set_hashsize: setHashsizeStep,
  set_timeouts: setTimeoutsStep,
  persist: persistStep,
  unload_nat: unloadNatStep,
};

/** Like StepDefinition.plan, but also returns what the next steps see. */
function planStep(spec: StepSpec, context: PlanContext): PlannedStep {
  switch (spec.kind) {
    case 'check_count':
      return planCheckCount(spec, context);
    case 'raise_max':
      return planRaiseMax(spec, context);
    case 'set_hashsize':
      return planSetHashsize(spec, context);
    case 'set_timeouts':
      return planSetTimeouts(spec, context);
    case 'persist':
      return planPersist(spec, context);
    case 'unload_nat':
      return planUnloadNat(spec, context);
  }
}

function filesOf(spec: StepSpec): string[] {
  const definition = stepDefinitions[spec.kind] as StepDefinition;
  // a host's own options may name other files (persist's file): gather them all
  const variants = [spec, ...Object.keys(spec.perHost ?? {}).map((host) => specForHost(spec, host))];
  return variants.flatMap((variant) => definition.filesNeeded(variant));
}

/** Every file the gatherer must snapshot for this playbook. */
export function filesNeeded(playbook: Playbook): string[] {
  return [...new Set(playbook.steps.flatMap(filesOf))];
}

export function initialContext(facts: HostFacts): PlanContext {
  return { facts, targetMax: null, targetHashsize: null, targetTimeouts: {} };
}

/** The step as `host` runs it: its `per_host` options when the playbook gives some for it. */
export function specForHost(spec: StepSpec, host: string | undefined): StepSpec {
  const own = host === undefined ? undefined : spec.perHost?.[host];
  return own === undefined ? spec : ({ ...spec, options: own } as StepSpec);
}

export function planHost(facts: HostFacts, playbook: Playbook, host?: string): HostPlan {
  let context = initialContext(facts);
  const steps = playbook.steps.map((spec) => {
    const planned = planStep(specForHost(spec, host), context);
    context = planned.context;
    return planned.plan;
  });
  return { steps, files: filesNeeded(playbook) };
}
