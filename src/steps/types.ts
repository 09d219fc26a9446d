/**
 * Plans are data. A step's plan is a list of Changes computed purely from facts; the runner
 * applies Changes generically (one round trip per step, read back in the same script) and undoes
 * them by applying their inverses. Changes are JSON, so the on-host journal can hold them.
 */
import type { HostFacts } from '../facts/types.js';
import type { StepKind, StepSpec } from '../playbook/types.js';

export type { Change } from '../changes/change.js';
import type { Change } from '../changes/change.js';

/** What a step reports in the tree and the JSON report: `nf_conntrack_max 65536 → 262144`. */
export interface StepPlan {
  step: StepKind;
  /** Display name: the playbook's `name`, else the step kind. */
  label: string;
  /** Empty = nothing to do (the step is `unchanged`). */
  changes: Change[];
  /** If set, the host fails before ANY change (gates, memory guard, unknown timeout, NAT in use). */
  refusal?: string;
  warnings: string[];
  /** Human lines shown in --check and the tree, e.g. "nf_conntrack_max 65536 → 262144". */
  lines: string[];
  /** For the JSON report. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** Everything the plan of one host needs: the facts and what earlier steps will have set. */
export interface PlanContext {
  facts: HostFacts;
  /** The max this playbook sets (raise_max's target), else null. */
  targetMax: number | null;
  /** The hashsize this playbook sets, else null. */
  targetHashsize: number | null;
  /** Timeouts this playbook sets, by name. */
  targetTimeouts: Record<string, number>;
}

export interface HostPlan {
  /** One plan per playbook step, in playbook order. */
  steps: StepPlan[];
}

/** A step's plan together with the context the next steps see (raise_max's target reaches set_hashsize, persist). */
export interface PlannedStep {
  plan: StepPlan;
  context: PlanContext;
}

/** One step kind's pure logic. */
export interface StepDefinition<S extends StepSpec = StepSpec> {
  kind: S['kind'];
  /** Files this step needs in facts.files. */
  filesNeeded(spec: S): string[];
  /**
   * Whether this step reads the NAT rule facts (facts.natRules / natRulesInUse). The gather dumps the rule sets
   * (iptables-save, nft list ruleset) only when a step of the run says so: they can be large and slow to list.
   */
  readsRules: boolean;
  plan(spec: S, context: PlanContext): PlannedStep;
}
