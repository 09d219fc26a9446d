/**
 * persist: makes the values this tool sets survive a reboot. The managed block is cumulative (every key persisted
 * on the host stays until `remove:` takes it out) and the plan proves from the host's boot files that the block
 * is read at boot and wins (persist-boot.ts, persist-modprobe.ts), or refuses before any change.
 */
import type { BootConfig, FileState } from '../facts/types.js';
import type { PersistOptions, StepSpec } from '../playbook/types.js';
import { describeChange } from '../changes/describe.js';
import { planFileChange, readBytesText, ungatheredReason } from '../changes/file-state.js';
import {
  modprobeConfPath,
  modulesLoadPath,
  readModprobeHashsize,
  renderModprobeConf,
  renderModulesLoad,
} from './module-files.js';
import { foreignBlockEntries, planSysctlBoot } from './persist-boot.js';
import { aliasesOf, knobIdOf, mergeEntries } from './persist-keys.js';
import { planModprobeBoot } from './persist-modprobe.js';
import { refusePlan, startPlan, type PlannedStep } from './step-plan.js';
import { readBlockEntries, rewriteSysctlText, type SysctlEntry } from './sysctl-block.js';
import { bootFileOf } from './sysctl-order.js';
import type { Change, PlanContext, StepDefinition, StepPlan } from './types.js';
import { describeBlocker, findLoadBlockers } from './modprobe-rules.js';

type PersistSpec = Extract<StepSpec, { kind: 'persist' }>;

export const defaultSysctlFile = '/etc/sysctl.conf';
export const defaultSysctlDropIn = '/etc/sysctl.d/90-conntrack-fleet.conf';

export function persistTargetFile(options: PersistOptions): string {
  return options.sysctl_d && options.file === defaultSysctlFile ? defaultSysctlDropIn : options.file;
}

/** The name raise_max wrote: net.nf_conntrack_max only on kernels without the modern one. */
function maxKeyOf(context: PlanContext): string {
  const { max, maxAlias } = context.facts.knobs;
  return max.value === null && maxAlias.value !== null ? 'net.nf_conntrack_max' : 'net.netfilter.nf_conntrack_max';
}

/** Every entry this playbook sets. */
export function collectEntries(context: PlanContext): SysctlEntry[] {
  const entries: SysctlEntry[] = [];
  if (context.targetMax !== null) entries.push({ key: maxKeyOf(context), value: String(context.targetMax) });
  for (const name of Object.keys(context.targetTimeouts).sort()) {
    entries.push({ key: `net.netfilter.nf_conntrack_${name}`, value: String(context.targetTimeouts[name]) });
  }
  return entries;
}

function readFact(files: Record<string, FileState | null>, path: string): FileState | null | undefined {
  return Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
}

interface Part {
  changes: Change[];
  notes: string[];
  warnings?: string[];
  refusal?: string;
}

function planTarget(target: string, entries: SysctlEntry[], before: FileState | null): Part {
  const text = readBytesText(before);
  const result = rewriteSysctlText({ text, entries, aliasKeys: Object.keys(aliasesOf(entries)) });
  if ('error' in result) return { changes: [], notes: [], refusal: `${target}: ${result.error}` };
  // Nothing persisted and no old block: the target is left alone rather than given an empty block.
  if (entries.length === 0 && result.blockBefore === null) return { changes: [], notes: [] };
  const change = planFileChange(target, before, result.text);
  return { changes: change ? [change] : [], notes: change ? [] : [`${target}: block up to date`] };
}

function planBuiltinNotes(context: PlanContext): Part {
  const size = context.targetHashsize;
  const notes = [
    context.facts.conntrack === 'builtin'
      ? 'nf_conntrack is built in: its sysctl values apply at boot, no modprobe.d / modules-load.d file needed'
      : 'nf_conntrack is not loaded: no modprobe.d / modules-load.d file written',
  ];
  const builtinSize = context.facts.conntrack === 'builtin' && size !== null;
  const warnings = builtinSize
    ? [
        `hashsize is not persisted: a built-in nf_conntrack needs nf_conntrack.hashsize=${size} on the kernel command line`,
      ]
    : [];
  return { changes: [], notes, warnings };
}

function planModuleFiles(context: PlanContext, entries: SysctlEntry[], removeHashsize: boolean): Part {
  const { facts, targetHashsize } = context;
  if (facts.conntrack !== 'module') return planBuiltinNotes(context);
  const out: Part = { changes: [], notes: [], warnings: [] };
  const wanted: [string, string | null][] = [];
  if (targetHashsize !== null) wanted.push([modprobeConfPath, renderModprobeConf(targetHashsize)]);
  else if (removeHashsize) wanted.push([modprobeConfPath, null]);
  if (entries.length > 0) wanted.push([modulesLoadPath, renderModulesLoad()]);
  for (const [path, text] of wanted) {
    const before = readFact(facts.files, path);
    if (before === undefined) return { ...out, refusal: ungatheredReason(facts.problems, path) };
    const change =
      text === null
        ? before
          ? { kind: 'file' as const, path, before, after: null }
          : null
        : planFileChange(path, before, text);
    if (change) out.changes.push(change);
    else out.notes.push(`${path}: up to date`);
  }
  const kept = readFact(facts.files, modprobeConfPath);
  const hashsize = removeHashsize
    ? null
    : (targetHashsize ?? (kept ? readModprobeHashsize(readBytesText(kept)) : null));
  if (hashsize !== null && !entries.some((e) => knobIdOf(e.key) === 'max')) {
    out.warnings?.push(
      `with options hashsize=${hashsize} the boot-time default nf_conntrack_max becomes 8 × ${hashsize}; no max is persisted`,
    );
  }
  const boot = facts.bootConfig ? planModprobeBoot(facts.bootConfig, hashsize) : { changes: [], notes: [] };
  return {
    ...out,
    ...(boot.refusal ? { refusal: boot.refusal } : {}),
    changes: [...out.changes, ...boot.changes],
    notes: [...out.notes, ...boot.notes],
  };
}

/** For the JSON report: the values persisted before (every managed block) and after this step. */
function describeValues(
  context: PlanContext,
  blocks: { previous: SysctlEntry[]; entries: SysctlEntry[]; removed: string[] },
  before: FileState | null | undefined,
) {
  const modprobe = readFact(context.facts.files, modprobeConfPath);
  const hashsizeBefore = modprobe ? readModprobeHashsize(readBytesText(modprobe)) : null;
  const hashsizeAfter = blocks.removed.includes('hashsize') ? null : (context.targetHashsize ?? hashsizeBefore);
  return {
    before: {
      fileExists: before !== null && before !== undefined,
      values: Object.fromEntries(blocks.previous.map((e) => [e.key, e.value])),
      modprobeHashsize: hashsizeBefore,
    },
    after: {
      values: Object.fromEntries(blocks.entries.map((e) => [e.key, e.value])),
      modprobeHashsize: context.facts.conntrack === 'module' ? hashsizeAfter : null,
    },
  };
}

function finish(plan: StepPlan, parts: Part[]): StepPlan {
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
  const before = readFact(context.facts.files, target);
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
  const parts: Part[] = [planTarget(target, entries, before)];
  if (entries.length > 0 || previous.length > 0) parts.push(planSysctlBoot({ config, target, entries }));
  parts.push(planModuleFiles(context, entries, removed.includes('hashsize')));
  parts.push({ changes: [], notes: [], warnings: modprobeBlockedWarnings(config, context.facts.conntrack) });
  return { plan: finish(plan, parts), context };
}

/** A persisted value applies at boot only if nf_conntrack can load then (src/steps/modprobe-rules.ts). */
function modprobeBlockedWarnings(config: BootConfig, conntrack: PlanContext['facts']['conntrack']): string[] {
  if (conntrack === 'builtin') return [];
  return findLoadBlockers(config, ['nf_conntrack']).map(
    (blocker) =>
      `modprobe-blocked: after a reboot nf_conntrack cannot load (${describeBlocker(blocker)}), so no persisted value applies`,
  );
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
