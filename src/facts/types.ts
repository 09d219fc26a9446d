/** What one host looks like, as gathered in one round trip. Plain data, JSON-serialisable. */
import type { PeakFact } from './peak.js';

export type ConntrackPresence = 'module' | 'builtin' | 'absent';

export interface LoadedModule {
  name: string;
  sizeBytes: number;
  /** lsmod's "Used" count; can exceed usedBy.length (references held by rules, sockets…). */
  useCount: number;
  /** lsmod's "by" column: the modules that hold this one. */
  usedBy: string[];
}

/** One symbolic link on the way to a file: `path` is the link, `target` what readlink(1) prints (may be relative). */
export interface FileLink {
  path: string;
  target: string;
}

/**
 * Exact state of a file; `null` where a FileState is expected means "the file does not exist" (type missing).
 * Without `links` the path is a regular file (type regular); with them it is a symlink (type symlink) and
 * content, mode and owner are those of the regular file at the end of the chain.
 */
export interface FileState {
  /** The bytes, base64-encoded, so the state survives any content byte for byte. */
  contentBase64: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  uid: number;
  gid: number;
  /** The chain of symlinks from the path to the regular file, in order (chains and relative targets allowed). */
  links?: FileLink[];
  /** The regular file's canonical path (readlink -f) when `links` is set: the file really written. */
  realPath?: string;
}

/** A kernel tunable: a /proc/sys or /sys/module file. */
export interface KnobFact {
  /** Absolute path, e.g. /proc/sys/net/netfilter/nf_conntrack_max. */
  path: string;
  /** Trimmed content; null when the file does not exist. */
  value: string | null;
  /** `test -w` said yes; the kernel may still refuse the write (non-initial netns). */
  writable: boolean;
}

export interface ConntrackStats {
  drop: number;
  early_drop: number;
  insert_failed: number;
  /** Every column of /proc/net/stat/nf_conntrack, summed over CPUs. */
  all: Record<string, number>;
}

/** Which program applies sysctl files at the next boot: systemd-sysctl, or an init that runs `sysctl --system`. */
export type BootInit = 'systemd' | 'other';

export interface BootFile {
  /** As listed: /etc/sysctl.d/99-sysctl.conf. */
  path: string;
  /** readlink: the raw target of a symlink (`../sysctl.conf`); null when not a symlink. */
  linkTarget: string | null;
  /** readlink -f: the file whose bytes are read (the path itself when not a link; /dev/null for a mask). */
  realPath: string;
  /** Neither the file nor (for a link) its target exists. */
  missing: boolean;
  /** The file mentions conntrack: its bytes are in `state` when they could be read. */
  mentions: boolean;
  /** Exact bytes and mode of the file read through links; null when it does not mention conntrack or was unreadable. */
  state: FileState | null;
}

export interface BootConfig {
  init: BootInit;
  /** The kernel still has the net.ipv4.netfilter.ip_conntrack_* compat sysctls (removed around 4.9). */
  compatSysctls: boolean;
  /** `nf_conntrack.hashsize=` on this boot's kernel command line; kmod applies it after modprobe.d (kmod_config_new). */
  cmdlineHashsize: string | null;
  /** The sysctl.d / modprobe.d files in listing order (directory priority, then name), /etc/sysctl.conf, asked-for paths. */
  files: BootFile[];
}

export interface HostFacts {
  /** uname -r */
  kernel: string;
  isRoot: boolean;
  cpus: number;
  memTotalBytes: number | null;
  conntrack: ConntrackPresence;
  count: number | null;
  max: number | null;
  buckets: number | null;
  hashsize: number | null;
  /** Which sysctl name holds max: modern kernels have net.netfilter.nf_conntrack_max; net.nf_conntrack_max is the init-netns alias. */
  knobs: {
    max: KnobFact; // /proc/sys/net/netfilter/nf_conntrack_max
    maxAlias: KnobFact; // /proc/sys/net/nf_conntrack_max
    buckets: KnobFact; // /proc/sys/net/netfilter/nf_conntrack_buckets
    hashsize: KnobFact; // /sys/module/nf_conntrack/parameters/hashsize
  };
  /** Every nf_conntrack_*timeout* sysctl, keyed without the `nf_conntrack_` prefix, e.g. tcp_timeout_established. */
  timeouts: Record<string, number>;
  stats: ConntrackStats | null;
  /** Bytes per conntrack entry from /proc/slabinfo (objsize of cache nf_conntrack), when readable. */
  entryBytes: number | null;
  /** Every loaded module (lsmod), so holders outside the NAT chain can be seen. */
  modules: LoadedModule[];
  /** Rule lines (iptables-save, nft list ruleset) that use nat / MASQUERADE / SNAT / DNAT / conntrack / state. */
  natRuleEvidence: string[];
  /** false also when the gather was asked not to read rules (GatherRequest.rules: no step reads them). */
  natRulesInUse: boolean;
  kubeProxy: boolean;
  /** Files asked for by the gatherer, keyed by absolute path; null = absent. */
  files: Record<string, FileState | null>;
  /** Every sysctl.d / modprobe.d file read at boot, with links and the bytes of those naming conntrack; null = not gathered. */
  bootConfig: BootConfig | null;
  /** The peak file (facts/peak.ts) when the gather asked for it (check, advise); null = asked, but the section is missing. */
  peak?: PeakFact | null;
  /** Things that could not be read, said once each: "iptables-save not found", "not root: …". */
  problems: string[];
}

export const knobPaths = {
  max: '/proc/sys/net/netfilter/nf_conntrack_max',
  maxAlias: '/proc/sys/net/nf_conntrack_max',
  buckets: '/proc/sys/net/netfilter/nf_conntrack_buckets',
  count: '/proc/sys/net/netfilter/nf_conntrack_count',
  hashsize: '/sys/module/nf_conntrack/parameters/hashsize',
} as const;

/** /proc/sys path of a timeout sysctl, e.g. tcp_timeout_established. */
export function timeoutPath(name: string): string {
  return `/proc/sys/net/netfilter/nf_conntrack_${name}`;
}
