/**
 * The boot configuration: every sysctl.d / modprobe.d file read at boot (directory priority, then name), with links
 * and the bytes of those naming conntrack, the init that applies them, and this boot's `nf_conntrack.hashsize=`.
 * Shell: src/remote/sections/boot-config.sh. Output (records, src/remote/gather.sh): `value boot_init
 * systemd|other|unknown`, `value compat_sysctls 0|1`, `value cmdline_hashsize N|`, then per file a block
 * `begin boot-entry PATH` with lines `link RAW` (a symlink), `real PATH` (readlink -f), `missing`, `mentions`, followed
 * for a `mentions` file by a block `begin file boot PATH` (cf_file), or `same-as REALPATH` when that file was read
 * already. A link to a name with a newline is skipped, with a problem.
 */
import { remoteScript } from '../../remote/scripts.js';
import { quoteShell } from '../../transport/quote.js';
import type { GatherFrame } from '../gather-frame.js';
import { type FileReading, parseFileSection } from '../parse-file-section.js';
import type { FactSection } from '../section.js';
import type { BootConfig, BootFile, HostFacts } from '../types.js';

/** sysctl.d(5) and modprobe.d(5) directories, highest priority first. */
export const sysctlDirs = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
];
export const modprobeDirs = [
  '/etc/modprobe.d',
  '/run/modprobe.d',
  '/usr/local/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/lib/modprobe.d',
];

const notRead: FileReading = { kind: 'unknown', reason: 'was not read' };

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
  if (init === 'unknown')
    problems.push('no /sbin/init and systemd is not running: assuming `sysctl --system` order at boot');
  const files = new Map<string, BootFile>();
  for (const section of frame.sections) {
    if (section.name === 'boot-entry' && section.arg.startsWith('/')) {
      const entry = readEntry(section.arg, section.lines);
      files.set(entry.path, { ...entry, state: files.get(entry.path)?.state ?? null });
    }
  }
  // the script reads a file once; an entry whose file was read under another name says `same-as REALPATH`, and the
  // block it names may come after it (the gather prints file blocks when its one stat has run: cf_flush)
  const fileBlocks = frame.sections.filter((s) => s.name === 'file' && s.arg.startsWith('boot /'));
  const sameAsOf = (lines: string[]) => (lines[0]?.startsWith('same-as ') ? lines[0].slice(8) : null);
  const readByRealPath = new Map<string, FileReading>();
  for (const section of fileBlocks) {
    const entry = files.get(section.arg.slice(5));
    if (entry && sameAsOf(section.lines) === null) readByRealPath.set(entry.realPath, parseFileSection(section.lines));
  }
  for (const section of fileBlocks) {
    const path = section.arg.slice(5);
    const entry = files.get(path);
    const sameAs = sameAsOf(section.lines);
    const reading = sameAs === null ? parseFileSection(section.lines) : (readByRealPath.get(sameAs) ?? notRead);
    if (entry && reading.kind === 'present') entry.state = reading.state;
    else if (reading.kind === 'unknown') problems.push(`${path} ${reading.reason}`);
  }
  const cmdlineHashsize = frame.values['cmdline_hashsize'] || null;
  return {
    init: init === 'systemd' ? 'systemd' : 'other',
    compatSysctls: frame.values['compat_sysctls'] === '1',
    cmdlineHashsize,
    files: [...files.values()],
  };
}

export const bootConfigSection: FactSection<Pick<HostFacts, 'bootConfig'>> = {
  name: 'boot-config',
  sh: (request) =>
    request.bootConfig === false
      ? ''
      : [
          remoteScript('sections/boot-config.sh'),
          `cf_sysctl_dirs=${quoteShell(sysctlDirs.join(' '))} cf_modprobe_dirs=${quoteShell(modprobeDirs.join(' '))}`,
          ['cf_boot_config', ...request.files.map(quoteShell)].join(' '),
        ].join('\n'),
  read: ({ frame, request, problems }) => ({
    bootConfig: request.bootConfig === false ? null : readBootConfig(frame, problems),
  }),
};
