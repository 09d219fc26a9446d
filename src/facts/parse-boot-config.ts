/** Reads the boot-config sections (boot-config-script.ts) into a BootConfig. Pure; never throws. */
import type { GatherFrame } from './gather-frame.js';
import { parseFileSection } from './parse-file-section.js';
import type { FileState } from './types.js';

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

function readEntry(path: string, lines: string[]): BootFile {
  const entry: BootFile = { path, linkTarget: null, realPath: path, missing: false, mentions: false, state: null };
  for (const line of lines) {
    if (line.startsWith('link ')) entry.linkTarget = line.slice(5);
    else if (line.startsWith('real ') && line.length > 5) entry.realPath = line.slice(5);
    else if (line === 'missing') entry.missing = true;
    else if (line === 'mentions') entry.mentions = true;
  }
  return entry;
}

/**
 * The boot configuration, or null when the script printed none of it (an old or cut-short output).
 * A file that mentions conntrack but could not be snapshotted is said in `problems` and keeps state null.
 */
export function readBootConfig(frame: GatherFrame, problems: string[]): BootConfig | null {
  const init = frame.values['boot_init'];
  if (init === undefined) return null;
  if (init === 'unknown') problems.push('no /sbin/init and systemd is not running: assuming `sysctl --system` order at boot');
  const files = new Map<string, BootFile>();
  for (const section of frame.sections) {
    if (section.name === 'boot-entry' && section.arg.startsWith('/')) {
      const entry = readEntry(section.arg, section.lines);
      files.set(entry.path, { ...entry, state: files.get(entry.path)?.state ?? null });
    } else if (section.name === 'file' && section.arg.startsWith('boot /')) {
      const path = section.arg.slice(5);
      const entry = files.get(path);
      const reading = parseFileSection(section.lines);
      if (entry && reading.kind === 'present') entry.state = reading.state;
      else if (reading.kind === 'unknown') problems.push(`${path} ${reading.reason}`);
    }
  }
  const cmdlineHashsize = frame.values['cmdline_hashsize'] || null;
  return { init: init === 'systemd' ? 'systemd' : 'other', compatSysctls: frame.values['compat_sysctls'] === '1', cmdlineHashsize, files: [...files.values()] };
}
