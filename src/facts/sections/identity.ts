/** Who and what the host is: kernel release, root or not, online CPUs, MemTotal. Shell: src/remote/sections/identity.sh. */
import { remoteScript } from '../../remote/scripts.js';
import { blockText, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

export const notRootProblem = 'not root: values can be read, not changed';

const unitBytes: Record<string, number> = { '': 1024, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** MemTotal in bytes from /proc/meminfo (the kernel writes kB, meaning KiB), or null. */
export function parseMemTotalBytes(text: string): number | null {
  const match = /^MemTotal:\s*(\d+)\s*(\w*)\s*$/m.exec(text);
  if (!match) return null;
  const factor = unitBytes[(match[2] ?? '').toLowerCase()];
  return factor === undefined ? null : Number(match[1]) * factor;
}

/** The `cpus` value as a count ≥ 1; 1 and a problem when the host could not say. */
export function readCpus(values: Record<string, string>, problems: string[]): number {
  const text = values['cpus'] ?? '';
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  problems.push('CPU count unknown (getconf, nproc and /proc/cpuinfo failed): assuming 1');
  return 1;
}

export const identitySection: FactSection<Pick<HostFacts, 'kernel' | 'isRoot' | 'cpus' | 'memTotalBytes'>> = {
  name: 'identity',
  sh: () => `${remoteScript('sections/identity.sh')}\ncf_identity`,
  requires: { values: ['kernel', 'uid'] },
  read({ frame, problems }) {
    const isRoot = frame.values['uid'] === '0';
    if (!isRoot) problems.push(notRootProblem);
    const meminfo = blockText(frame, 'meminfo');
    return {
      kernel: frame.values['kernel'] ?? '',
      isRoot,
      cpus: readCpus(frame.values, problems),
      memTotalBytes: meminfo === null ? null : parseMemTotalBytes(meminfo),
    };
  },
};
