/**
 * Which file and line sets each sysctl at boot. Rules (checked on Debian 12, systemd 252, procps 4.0.2):
 * - sysctl.d(5): *.conf files from /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d,
 *   /lib/sysctl.d; a name in an earlier directory replaces the same name in later ones (a link to /dev/null masks it);
 *   all are applied sorted by file name; a later line wins. modprobe.d(5) merges its directories the same way.
 * - systemd-sysctl never reads /etc/sysctl.conf itself: only through a link such as Debian 12's
 *   /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf (`systemd-sysctl --cat-config` shows no sysctl.conf without it;
 *   Debian 13 drops the link). `sysctl --system` (non-systemd inits) reads it last, after the link too.
 */
import { posix } from 'node:path';
import { modprobeDirs, sysctlDirs } from '../facts/sections/boot-config.js';
import type { BootConfig, BootFile } from '../facts/types.js';

export const sysctlConfPath = '/etc/sysctl.conf';

/** A file as read at boot; `planned` = does not exist yet but the plan creates it. */
export type ReadFile = BootFile & { planned?: boolean };

function byName(a: ReadFile, b: ReadFile): number {
  const [x, y] = [posix.basename(a.path), posix.basename(b.path)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The files read from `dirs`, in read order: per name the highest-priority one, masks and dangling links dropped. */
export function confReadOrder(files: ReadFile[], dirs: string[]): ReadFile[] {
  const chosen = new Map<string, { file: ReadFile; rank: number }>();
  for (const file of files) {
    const rank = dirs.indexOf(posix.dirname(file.path));
    const name = posix.basename(file.path);
    if (rank < 0 || !name.endsWith('.conf')) continue;
    const seen = chosen.get(name);
    if (seen === undefined || rank < seen.rank) chosen.set(name, { file, rank });
  }
  return [...chosen.values()]
    .map((c) => c.file)
    .filter((f) => f.realPath !== '/dev/null' && (!f.missing || f.planned))
    .sort(byName);
}

/** The boot entry of `path`, or a stand-in when it was not gathered (then it is taken to be no link). */
export function bootFileOf(config: BootConfig, path: string): ReadFile {
  const found = config.files.find((f) => f.path === path);
  return found ?? { path, linkTarget: null, realPath: path, missing: true, mentions: false, state: null };
}

/** The gathered files with `planned` paths (and links to them) counted as existing: the plan writes them. */
function withPlanned(config: BootConfig, planned: string[]): ReadFile[] {
  const plannedReal = new Set(planned.map((path) => bootFileOf(config, path).realPath));
  const files: ReadFile[] = withSharedState(config.files).map((f) =>
    plannedReal.has(f.realPath) ? { ...f, planned: true } : f,
  );
  for (const path of planned)
    if (!files.some((f) => f.path === path)) files.push({ ...bootFileOf(config, path), planned: true });
  return files;
}

/** Sysctl files in the order they are applied at the next boot; `planned` paths count as existing. */
export function sysctlReadOrder(config: BootConfig, planned: string[]): ReadFile[] {
  const files = withPlanned(config, planned);
  const order = confReadOrder(files, sysctlDirs);
  const conf = files.find((f) => f.path === sysctlConfPath);
  if (config.init === 'other' && conf && (!conf.missing || conf.planned)) order.push(conf);
  return order;
}

export function modprobeReadOrder(config: BootConfig, planned: string[]): ReadFile[] {
  return confReadOrder(withPlanned(config, planned), modprobeDirs);
}

/** Why `target` is never read at boot: masked, outside sysctl.d, or /etc/sysctl.conf without its link. */
export function explainUnread(config: BootConfig, target: string): string {
  const dir = posix.dirname(target);
  const mask = config.files.find(
    (f) =>
      posix.basename(f.path) === posix.basename(target) &&
      sysctlDirs.indexOf(posix.dirname(f.path)) < sysctlDirs.indexOf(dir),
  );
  if (sysctlDirs.includes(dir) && target.endsWith('.conf') && mask) {
    return `${target} is not read at boot: ${mask.path} has the same name in a higher-priority directory (sysctl.d(5))`;
  }
  if (target === sysctlConfPath) {
    return (
      `${target} is not read at boot: systemd-sysctl reads only the sysctl.d directories and no /etc/sysctl.d/*.conf ` +
      'links to it (Debian 13 dropped 99-sysctl.conf -> ../sysctl.conf); use `persist: {sysctl_d: true}` or restore the link'
    );
  }
  return `${target} is not read at boot: neither a *.conf file in ${sysctlDirs.join(', ')} nor linked from one (sysctl.d(5))`;
}

/** Every entry reading the same bytes shares what was gathered of them (a link and its target are listed apart). */
export function withSharedState(files: ReadFile[]): ReadFile[] {
  return files.map((file) => {
    const twin = files.find((f) => f.realPath === file.realPath && (f.state !== null || f.mentions));
    return twin && file.state === null ? { ...file, mentions: twin.mentions, state: twin.state } : file;
  });
}

/** Indices in `order` where the bytes of `realPath` are applied. */
export function readPositions(order: ReadFile[], realPath: string): number[] {
  return order.flatMap((file, index) => (file.realPath === realPath ? [index] : []));
}
