/**
 * What persist writes and where: the target file, the sysctl entries this playbook sets (the names raise_max and
 * set_timeouts wrote), and the values before and after for the JSON report.
 */
import { readBytesText } from '../changes/file-state.js';
import type { FileState } from '../facts/types.js';
import type { PersistOptions } from '../playbook/types.js';
import { modprobeConfPath, readModprobeHashsize } from './module-files.js';
import type { SysctlEntry } from './sysctl-block.js';
import type { PlanContext } from './types.js';

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

/** A gathered file: its state, null when absent on the host, undefined when the gather did not read it. */
export function gatheredFile(files: Record<string, FileState | null>, path: string): FileState | null | undefined {
  return Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
}

/** For the JSON report: the values persisted before (every managed block) and after this step. */
export function describeValues(
  context: PlanContext,
  blocks: { previous: SysctlEntry[]; entries: SysctlEntry[]; removed: string[] },
  before: FileState | null | undefined,
) {
  const modprobe = gatheredFile(context.facts.files, modprobeConfPath);
  const hashsizeBefore = modprobe ? readModprobeHashsize(readBytesText(modprobe)) : null;
  const hashsizeAfter = blocks.removed.includes('hashsize') ? null : (context.targetHashsize ?? hashsizeBefore);
  return {
    before: {
      file_exists: before !== null && before !== undefined,
      values: Object.fromEntries(blocks.previous.map((e) => [e.key, e.value])),
      modprobe_hashsize: hashsizeBefore,
    },
    after: {
      values: Object.fromEntries(blocks.entries.map((e) => [e.key, e.value])),
      modprobe_hashsize: context.facts.conntrack === 'module' ? hashsizeAfter : null,
    },
  };
}
