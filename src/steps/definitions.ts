/** The six step kinds, keyed by kind, and the planner that runs them in playbook order. */
import type { HostFacts } from '../facts/types.js';
import type { Playbook, StepKind, StepSpec } from '../playbook/types.js';
import { checkCountStep } from './check-count.js';
import { persistStep } from './persist.js';
import { raiseMaxStep } from './raise-max.js';
import { setHashsizeStep } from './set-hashsize.js';
import { setTimeoutsStep } from './set-timeouts.js';
import type { HostPlan, PlanContext, StepDefinition } from './types.js';
import { unloadNatStep } from './unload-nat.js';

type SpecOf<K extends StepKind> = Extract<StepSpec, { kind: K }>;

export const stepDefinitions: { [K in StepKind]: StepDefinition<SpecOf<K>> } = {
  check_count: checkCountStep,
  raise_max: raiseMaxStep,
  set_hashsize: setHashsizeStep,
  set_timeouts: setTimeoutsStep,
  persist: persistStep,
  unload_nat: unloadNatStep,
};

/** The definition of a spec's kind, typed for any spec (the table is keyed by kind, so they match). */
function definitionOf(spec: StepSpec): StepDefinition {
  return stepDefinitions[spec.kind] as StepDefinition;
}

function filesOf(spec: StepSpec): string[] {
  const definition = definitionOf(spec);
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

/** Plans every step in playbook order; each step sees what the steps before it set (PlanContext). Pure. */
export function planHost(facts: HostFacts, playbook: Playbook, host?: string): HostPlan {
  let context = initialContext(facts);
  const steps = playbook.steps.map((spec) => {
    const own = specForHost(spec, host);
    const planned = definitionOf(own).plan(own, context);
    context = planned.context;
    return planned.plan;
  });
  return { steps };
}

/** Whether any step of the playbook reads the NAT rule facts (each definition's `readsRules` says so). */
export function readsRules(playbook: Playbook): boolean {
  return playbook.steps.some((spec) => definitionOf(spec).readsRules);
}
