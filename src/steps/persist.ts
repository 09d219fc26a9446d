/** persist: makes the values this playbook sets survive a reboot. */
import type { FileState } from '../facts/types.js';
import type { PersistOptions, StepSpec } from '../playbook/types.js';
import { describeChange } from './describe.js';
import { planFileChange, readBytesText, ungatheredReason } from './file-state.js';
import { modprobeConfPath, modulesLoadPath, readModprobeHashsize, renderModprobeConf, renderModulesLoad } from './module-files.js';
import { refusePlan, startPlan, type PlannedStep } from './plan-base.js';
import { rewriteSysctlText, type SysctlEntry } from './sysctl-block.js';
import { checkTargetRead, findOverrides } from './sysctl-order.js';
import type { Change, PlanContext, StepDefinition } from './types.js';

type PersistSpec = Extract<StepSpec, { kind: 'persist' }>;

export const defaultSysctlFile = '/etc/sysctl.conf';
export const defaultSysctlDropIn = '/etc/sysctl.d/90-conntrack-fleet.conf';

export function persistTargetFile(options: PersistOptions): string {
  return options.sysctl_d && options.file === defaultSysctlFile ? defaultSysctlDropIn : options.file;
}

/** Every sysctl name of nf_conntrack_max: modern, the init-netns alias, the compat key removed around 4.9. */
const maxKeys = ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'];

/** The name raise_max wrote: net.nf_conntrack_max only on kernels without the modern one. */
function maxKeyOf(context: PlanContext): string {
  const { max, maxAlias } = context.facts.knobs;
  return max.value === null && maxAlias.value !== null ? 'net.nf_conntrack_max' : 'net.netfilter.nf_conntrack_max';
}

/** Every entry this playbook sets, in a stable order so a re-plan renders the same block. */
export function collectEntries(context: PlanContext): SysctlEntry[] {
  const entries: SysctlEntry[] = [];
  if (context.targetMax !== null) entries.push({ key: maxKeyOf(context), value: String(context.targetMax) });
  for (const name of Object.keys(context.targetTimeouts).sort()) {
    entries.push({ key: `net.netfilter.nf_conntrack_${name}`, value: String(context.targetTimeouts[name]) });
  }
  return entries;
}

/** Other names for the same knobs (alias key → the entry key): commented out, and checked in other files. */
export function aliasesOf(entries: SysctlEntry[]): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const { key } of entries) {
    const others = maxKeys.includes(key)
      ? maxKeys.filter((k) => k !== key)
      : [`net.ipv4.netfilter.ip_conntrack_${key.slice('net.netfilter.nf_conntrack_'.length)}`];
    for (const other of others) aliases[other] = key;
  }
  return aliases;
}

function readFact(files: Record<string, FileState | null>, path: string): FileState | null | undefined {
  return Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
}

interface FilePlan {
  changes: Change[];
  notes: string[];
  warnings: string[];
  refusal?: string;
}

function planSysctlFile(target: string, entries: SysctlEntry[], before: FileState | null): FilePlan {
  const aliasKeys = Object.keys(aliasesOf(entries));
  const result = rewriteSysctlText({ text: readBytesText(before), entries, aliasKeys });
  if ('error' in result) return { changes: [], notes: [], warnings: [], refusal: `${target}: ${result.error}` };
  const change = planFileChange(target, before, result.text);
  return { changes: change ? [change] : [], notes: change ? [] : [`${target}: block up to date`], warnings: [] };
}

function planBuiltinNotes(context: PlanContext): FilePlan {
  const { conntrack } = context.facts;
  const notes = [
    conntrack === 'builtin'
      ? 'nf_conntrack is built in: its sysctl values apply at boot, no modprobe.d / modules-load.d file needed'
      : 'nf_conntrack is not loaded: no modprobe.d / modules-load.d file written',
  ];
  const size = context.targetHashsize;
  const warnings =
    conntrack === 'builtin' && size !== null
      ? [`hashsize is not persisted: a built-in nf_conntrack needs nf_conntrack.hashsize=${size} on the kernel command line`]
      : [];
  return { changes: [], notes, warnings };
}

function planModuleFiles(context: PlanContext, entries: SysctlEntry[]): FilePlan {
  const { facts, targetHashsize } = context;
  if (facts.conntrack !== 'module') return planBuiltinNotes(context);
  const out: FilePlan = { changes: [], notes: [], warnings: [] };
  const wanted: [string, string][] = [];
  if (targetHashsize !== null) wanted.push([modprobeConfPath, renderModprobeConf(targetHashsize)]);
  if (entries.length > 0) wanted.push([modulesLoadPath, renderModulesLoad()]);
  for (const [path, text] of wanted) {
    const before = readFact(facts.files, path);
    if (before === undefined) return { ...out, refusal: ungatheredReason(facts.problems, path) };
    const change = planFileChange(path, before, text);
    if (change) out.changes.push(change);
    else out.notes.push(`${path}: up to date`);
  }
  if (targetHashsize !== null && context.targetMax === null) {
    out.warnings.push(
      `with options hashsize=${targetHashsize} the boot-time default nf_conntrack_max becomes 8 × ${targetHashsize}; ` +
        'this playbook persists no max',
    );
  }
  return out;
}

function describeValues(context: PlanContext, entries: SysctlEntry[], before: FileState | null | undefined) {
  const modprobe = readFact(context.facts.files, modprobeConfPath);
  return {
    before: {
      fileExists: before !== null && before !== undefined,
      modprobeHashsize: modprobe ? readModprobeHashsize(readBytesText(modprobe)) : null,
    },
    after: {
      values: Object.fromEntries(entries.map((e) => [e.key, e.value])),
      modprobeHashsize: context.facts.conntrack === 'module' ? context.targetHashsize : null,
    },
  };
}

export function planPersist(spec: PersistSpec, context: PlanContext): PlannedStep {
  const plan = startPlan(spec);
  const target = persistTargetFile(spec.options);
  const entries = collectEntries(context);
  const before = readFact(context.facts.files, target);
  Object.assign(plan, describeValues(context, entries, before));
  if (entries.length === 0 && context.targetHashsize === null) {
    plan.lines.push('nothing to persist: this playbook sets no value');
    return { plan, context };
  }
  const parts: FilePlan[] = [];
  if (entries.length > 0) {
    if (before === undefined) return { plan: refusePlan(plan, ungatheredReason(context.facts.problems, target)), context };
    parts.push(planSysctlFile(target, entries, before));
    const settings = context.facts.sysctlSettings;
    const unread = checkTargetRead(target, settings);
    plan.warnings.push(...(unread ? [unread] : []), ...findOverrides({ target, entries, aliases: aliasesOf(entries), settings }));
  }
  parts.push(planModuleFiles(context, entries));
  const refusal = parts.find((p) => p.refusal)?.refusal;
  if (refusal) return { plan: refusePlan(plan, refusal), context };
  plan.changes = parts.flatMap((p) => p.changes);
  plan.lines.push(...plan.changes.map(describeChange), ...parts.flatMap((p) => p.notes));
  plan.warnings.push(...parts.flatMap((p) => p.warnings));
  return { plan, context };
}

export function filesNeededForPersist(spec: PersistSpec): string[] {
  return [persistTargetFile(spec.options), modprobeConfPath, modulesLoadPath];
}

export const persistStep: StepDefinition<PersistSpec> = {
  kind: 'persist',
  filesNeeded: filesNeededForPersist,
  plan: (spec, context) => planPersist(spec, context).plan,
};
