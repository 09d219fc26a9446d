/** check_count: reads how full the table is; never changes anything. */
import type { HostFacts } from '../facts/types.js';
import { tableUsagePercentOneDecimal } from '../kernel/table-usage.js';
import type { StepSpec } from '../playbook/types.js';
import { startPlan, type PlannedStep } from './step-plan.js';
import type { PlanContext, StepDefinition } from './types.js';

type CheckCountSpec = Extract<StepSpec, { kind: 'check_count' }>;

/** The step's before/after in the run report: its keys are the report's, snake_case (check's JSON says usage_percent too). */
export interface CountReading {
  count: number | null;
  max: number | null;
  usage_percent: number | null;
  drop: number | null;
  early_drop: number | null;
  insert_failed: number | null;
}

export function readCount(facts: HostFacts): CountReading {
  const { count, max, stats } = facts;
  return {
    count,
    max,
    usage_percent: tableUsagePercentOneDecimal(count, max),
    drop: stats?.drop ?? null,
    early_drop: stats?.early_drop ?? null,
    insert_failed: stats?.insert_failed ?? null,
  };
}

function describeReading(reading: CountReading): string {
  const usage = reading.usage_percent === null ? '' : ` (${reading.usage_percent}%)`;
  const counters =
    reading.drop === null
      ? 'drop counters unavailable'
      : `drop ${reading.drop}, early_drop ${reading.early_drop}, insert_failed ${reading.insert_failed}`;
  return `count ${reading.count ?? '?'} / max ${reading.max ?? '?'}${usage}, ${counters}`;
}

function describeFullness(reading: CountReading, option: string, limit: number): string {
  return `conntrack table ${reading.usage_percent}% full (count ${reading.count} / max ${reading.max}), above ${option} ${limit}`;
}

export function planCheckCount(spec: CheckCountSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const { facts } = context;
  if (facts.conntrack === 'absent') {
    plan.lines.push('nf_conntrack is not loaded: no table to count');
    plan.before = { conntrack: 'absent' };
    plan.after = plan.before;
    return { plan, context };
  }
  const reading = readCount(facts);
  plan.lines.push(describeReading(reading));
  plan.before = { ...reading };
  plan.after = { ...reading };
  if (reading.usage_percent === null) plan.warnings.push('nf_conntrack_count or nf_conntrack_max could not be read');
  const { warn_above_percent: warnAbove, fail_above_percent: failAbove } = spec.options;
  const usage = reading.usage_percent;
  if (usage !== null && failAbove !== undefined && usage > failAbove) {
    plan.refusal = describeFullness(reading, 'fail_above_percent', failAbove);
  } else if (usage !== null && warnAbove !== undefined && usage > warnAbove) {
    plan.warnings.push(describeFullness(reading, 'warn_above_percent', warnAbove));
  }
  const dropped = (reading.drop ?? 0) + (reading.early_drop ?? 0);
  if (dropped > 0) {
    // drop/early_drop only grow when the table was full: connections were refused since boot.
    plan.warnings.push(
      `the table has been full before: drop ${reading.drop}, early_drop ${reading.early_drop} since boot`,
    );
  }
  return { plan, context };
}

export const checkCountStep: StepDefinition<CheckCountSpec> = {
  kind: 'check_count',
  filesNeeded: () => [],
  readsRules: false,
  plan: planCheckCount,
};
