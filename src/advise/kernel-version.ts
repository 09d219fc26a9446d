/** The kernel facts sizing depends on, from `uname -r`. Pure. */

export interface KernelVersion {
  major: number;
  minor: number;
}

/** `6.1.0-13-amd64` → { major: 6, minor: 1 }; null when uname -r does not start with N.N. */
export function parseKernelVersion(release: string): KernelVersion | null {
  const match = /^(\d+)\.(\d+)/.exec(release.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

/**
 * Linux 5.15 changed the defaults ("netfilter: conntrack: sanitize table size default settings": max = buckets,
 * factor 1, where it was max = 4 × buckets) and added the hash chain length limit that refuses insertions on over-long
 * chains (counted as chaintoolong). See docs/sizing.md.
 */
export function hasChainLimit(version: KernelVersion): boolean {
  return version.major > 5 || (version.major === 5 && version.minor >= 15);
}
