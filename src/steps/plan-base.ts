/** Shared plumbing of the step planners: an empty StepPlan and small number helpers. */
import type { StepSpec } from '../playbook/types.js';
import type { PlanContext, StepPlan } from './types.js';

/** A step's plan together with the context the next steps see. */
export interface PlannedStep {
  plan: StepPlan;
  context: PlanContext;
}

export function startPlan(spec: StepSpec): StepPlan {
  return {
    step: spec.kind,
    label: spec.name ?? spec.kind,
    changes: [],
    warnings: [],
    lines: [],
    before: {},
    after: {},
  };
}

/** The host fails before anything changes: a refused plan carries no change. */
export function refusePlan(plan: StepPlan, reason: string): StepPlan {
  return { ...plan, changes: [], refusal: reason };
}

/** The kernel rounds a hash table size UP to a multiple of 512 (one 4 KiB page of 8-byte buckets). */
export const bucketsPerPage = 512;

export function roundUpBuckets(size: number): number {
  return Math.ceil(size / bucketsPerPage) * bucketsPerPage;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

/** kube-proxy's rule for nf_conntrack_max, reused by raise_max's `auto`. */
export function kubeProxyMax(cpus: number, perCpu = 32768, min = 131072): number {
  return Math.max(min, perCpu * cpus);
}
