/** A step's plan as every planner starts it, and the refusal that fails the host before anything changes. */
import type { StepSpec } from '../playbook/types.js';
import type { StepPlan } from './types.js';

export type { PlannedStep } from './types.js';

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

/** `1.5 GiB`, `320 bytes`: binary units, one decimal, for memory in messages. */
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
