/**
 * persist's module files: modprobe.d (options nf_conntrack hashsize=…) and modules-load.d, so a modular nf_conntrack
 * loads at boot with the table size this playbook sets; notes for a built-in one, and a warning when a modprobe.d
 * rule keeps nf_conntrack from loading at all (then no persisted value applies).
 */
import { planFileChange, readBytesText, ungatheredReason } from '../changes/file-state.js';
import type { BootConfig } from '../facts/types.js';
import { describeBlocker, findLoadBlockers } from './modprobe-rules.js';
import {
  modprobeConfPath,
  modulesLoadPath,
  readModprobeHashsize,
  renderModprobeConf,
  renderModulesLoad,
} from './module-files.js';
import type { BootFix } from './persist-boot.js';
import { knobIdOf } from './persist-keys.js';
import { planModprobeBoot } from './persist-modprobe.js';
import { gatheredFile } from './persist-values.js';
import type { SysctlEntry } from './sysctl-block.js';
import type { PlanContext } from './types.js';

/** One file's (or concern's) share of the persist plan; any refusal refuses the whole step. */
export interface PersistPart extends BootFix {
  warnings?: string[];
}

function planBuiltinNotes(context: PlanContext): PersistPart {
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

export function planModuleFiles(context: PlanContext, entries: SysctlEntry[], removeHashsize: boolean): PersistPart {
  const { facts, targetHashsize } = context;
  if (facts.conntrack !== 'module') return planBuiltinNotes(context);
  const out: PersistPart = { changes: [], notes: [], warnings: [] };
  const wanted: [string, string | null][] = [];
  if (targetHashsize !== null) wanted.push([modprobeConfPath, renderModprobeConf(targetHashsize)]);
  else if (removeHashsize) wanted.push([modprobeConfPath, null]);
  if (entries.length > 0) wanted.push([modulesLoadPath, renderModulesLoad()]);
  for (const [path, text] of wanted) {
    const before = gatheredFile(facts.files, path);
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
  const kept = gatheredFile(facts.files, modprobeConfPath);
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

/** A persisted value applies at boot only if nf_conntrack can load then (src/steps/modprobe-rules.ts). */
export function modprobeBlockedWarnings(config: BootConfig, conntrack: PlanContext['facts']['conntrack']): string[] {
  if (conntrack === 'builtin') return [];
  return findLoadBlockers(config, ['nf_conntrack']).map(
    (blocker) =>
      `modprobe-blocked: after a reboot nf_conntrack cannot load (${describeBlocker(blocker)}), so no persisted value applies`,
  );
}
