/** Reads the object size of one slab cache from /proc/slabinfo (root only on most kernels). Pure. */

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
