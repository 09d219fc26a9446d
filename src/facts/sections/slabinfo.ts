/** Bytes per conntrack entry: the objsize of slab cache nf_conntrack in /proc/slabinfo (root only on most kernels). */
import { blockText, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

// slabinfo 2.x: name active_objs num_objs objsize …, used when the `# name` header is missing
const defaultObjsizeIndex = 3;

function objsizeIndex(lines: string[]): number {
  const header = lines.find((line) => line.startsWith('# name'));
  if (!header) return defaultObjsizeIndex;
  const index = header.slice(1).trim().split(/\s+/).indexOf('<objsize>');
  return index === -1 ? defaultObjsizeIndex : index;
}

/** Bytes per object of `cache` (exact name: nf_conntrack, not nf_conntrack_expect), or null. */
export function parseSlabObjectBytes(text: string, cache = 'nf_conntrack'): number | null {
  const lines = text.split('\n');
  const index = objsizeIndex(lines);
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== cache) continue;
    const size = fields[index];
    return size && /^\d+$/.test(size) ? Number(size) : null;
  }
  return null;
}

// the lines come from the gather's shared grep (`grep` below): the file is a few hundred long lines, too many bytes
// for the shell's byte-at-a-time `read`, and a process of its own would be one more per host
const slabinfoSh = String.raw`if [ -r /proc/slabinfo ]; then
  cf_begin slabinfo; cf_lines_of /proc/slabinfo: strip; cf_end
elif [ -e /proc/slabinfo ]; then
  cf_problem "cannot read /proc/slabinfo: bytes per conntrack entry unknown"
fi`;

export const slabinfoSection: FactSection<Pick<HostFacts, 'entryBytes'>> = {
  name: 'slabinfo',
  sh: () => slabinfoSh,
  grep: { files: ['/proc/slabinfo'], pattern: '^(# name|nf_conntrack )' },
  read({ frame }) {
    const text = blockText(frame, 'slabinfo');
    return { entryBytes: text === null ? null : parseSlabObjectBytes(text) };
  },
};
