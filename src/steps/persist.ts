/**
 * persist: makes the values this tool sets survive a reboot. The managed block is cumulative (every key persisted
 * on the host stays until `remove:` takes it out) and the plan proves from the host's boot files that the block
 * is read at boot and wins (persist-boot.ts, persist-modprobe.ts), or refuses before any change. The module files
 * are persist-module-files.ts's; the target file and the values, persist-values.ts's.
 */
import type { FileState } from '../facts/types.js';
import type { StepSpec } from '../playbook/types.js';
import { describeChange } from '../changes/describe.js';
import { planFileChange, readBytesText, ungatheredReason } from '../changes/file-state.js';
import { modprobeConfPath, modulesLoadPath } from './module-files.js';
import { foreignBlockEntries, planSysctlBoot } from './persist-boot.js';
import { aliasesOf, knobIdOf, mergeEntries } from './persist-keys.js';
import { modprobeBlockedWarnings, planModuleFiles, type PersistPart } from './persist-module-files.js';
import { collectEntries, describeValues, gatheredFile, persistTargetFile } from './persist-values.js';
import { refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import { readBlockEntries, rewriteSysctlText, type SysctlEntry } from './sysctl-block.js';
import { bootFileOf } from './sysctl-order.js';
import type { PlanContext, StepDefinition, StepPlan } from './types.js';

type PersistSpec = Extract<StepSpec, { kind: 'persist' }>;

function planTarget(target: string, entries: SysctlEntry[], before: FileState | null): PersistPart {
  const text = readBytesText(before);
  const result = rewriteSysctlText({ text, entries, aliasKeys: Object.keys(aliasesOf(entries)) });
  if ('error' in result) return { changes: [], notes: [], refusal: `${target}: ${result.error}` };
  // Nothing persisted and no old block: the target is left alone rather than given an empty block.
  if (entries.length === 0 && result.blockBefore === null) return { changes: [], notes: [] };
  const change = planFileChange(target, before, result.text);
  return { changes: change ? [change] : [], notes: change ? [] : [`${target}: block up to date`] };
}

function finish(plan: StepPlan, parts: PersistPart[]): StepPlan {
  const refusal = parts.find((p) => p.refusal)?.refusal;
  if (refusal) return refusePlan(plan, refusal);
  plan.changes = parts.flatMap((p) => p.changes);
  plan.lines.push(...plan.changes.map(describeChange), ...parts.flatMap((p) => p.notes));
  plan.warnings.push(...parts.flatMap((p) => p.warnings ?? []));
  return plan;
}

export function planPersist(spec: PersistSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const target = persistTargetFile(spec.options);
  const before = gatheredFile(context.facts.files, target);
  const config = context.facts.bootConfig;
  if (before === undefined)
    return { plan: refusePlan(plan, ungatheredReason(context.facts.problems, target)), context };
  if (config === null)
    return { plan: refusePlan(plan, 'the sysctl.d / modprobe.d files read at boot were not gathered'), context };
  const own = readBlockEntries(readBytesText(before));
  if ('error' in own) return { plan: refusePlan(plan, `${target}: ${own.error}`), context };
  const removed = spec.options.remove;
  const current = collectEntries(context);
  const contradiction = removed.find((id) =>
    id === 'hashsize' ? context.targetHashsize !== null : current.some((e) => knobIdOf(e.key) === id),
  );
  if (contradiction)
    return { plan: refusePlan(plan, `remove: lists ${contradiction}, which this playbook sets`), context };
  const previous = [...own, ...foreignBlockEntries(config, bootFileOf(config, target).realPath)];
  const entries = mergeEntries({ previous, current, removed });
  Object.assign(plan, describeValues(context, { previous, entries, removed }, before));
  if (previous.length === 0 && entries.length === 0 && context.targetHashsize === null && removed.length === 0) {
    // the steps before persist may set values and still leave none here (they refused on this host): say which
    const why =
      context.facts.conntrack === 'absent'
        ? 'nf_conntrack is not loaded on this host, so no step sets a value here'
        : 'no step before persist sets a value on this host';
    plan.lines.push(`nothing to persist: ${why}, and none was persisted before`);
    return { plan, context };
  }
  const parts: PersistPart[] = [planTarget(target, entries, before)];
  if (entries.length > 0 || previous.length > 0) parts.push(planSysctlBoot({ config, target, entries }));
  parts.push(planModuleFiles(context, entries, removed.includes('hashsize')));
  parts.push({ changes: [], notes: [], warnings: modprobeBlockedWarnings(config, context.facts.conntrack) });
  return { plan: finish(plan, parts), context };
}

export function filesNeededForPersist(spec: PersistSpec): string[] {
  return [persistTargetFile(spec.options), modprobeConfPath, modulesLoadPath];
}

export const persistStep: StepDefinition<PersistSpec> = {
  kind: 'persist',
  filesNeeded: filesNeededForPersist,
  readsRules: false,
  plan: planPersist,
};
