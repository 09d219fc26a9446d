/** What the lab needs on this machine, and an exact message (with the apt-get line) when something is missing. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface RequiredTool {
  command: string;
  debianPackage: string;
}

/** Keep in sync with .ci/lab-packages.txt. */
export const requiredTools: RequiredTool[] = [
  { command: 'sshd', debianPackage: 'openssh-server' },
  { command: 'ssh-keygen', debianPackage: 'openssh-client' },
  { command: 'ssh', debianPackage: 'openssh-client' },
  { command: 'socat', debianPackage: 'socat' },
  { command: 'nsenter', debianPackage: 'util-linux' },
  { command: 'unshare', debianPackage: 'util-linux' },
  { command: 'mount', debianPackage: 'mount' },
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'sysctl', debianPackage: 'procps' },
];

const sbinDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The executable's absolute path, looked up in PATH and the sbin directories a non-login root shell may lack. */
export function resolveCommand(command: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...sbinDirs];
  for (const dir of dirs) {
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return path.resolve(file);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Pure: the message for `lab up` and for skipped tests, or null when nothing is missing. */
export function describeMissing(missing: RequiredTool[], isRoot: boolean): string | null {
  const problems: string[] = [];
  if (!isRoot) problems.push('the lab needs root (namespaces and mounts): run it as root');
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
    problems.push(
      `missing command${missing.length > 1 ? 's' : ''}: ${missing.map((tool) => tool.command).join(', ')}` +
        ` — install with: apt-get install -y ${packages.join(' ')}`,
    );
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

function probeNamespaces(): string | null {
  const probe = spawnSync('unshare', ['--net', '--mount', '--uts', 'true'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  return `cannot create network/mount/UTS namespaces here: ${(probe.stderr || probe.error?.message || '').trim()}`;
}

let cachedSkipReason: string | null | undefined;

/** null when root + sshd + socat + nsenter/unshare (and the rest) are there and namespaces work, else why not. */
export function labSkipReason(): string | null {
  if (cachedSkipReason !== undefined) return cachedSkipReason;
  const isRoot = process.getuid?.() === 0;
  const missing = requiredTools.filter((tool) => resolveCommand(tool.command) === null);
  cachedSkipReason = describeMissing(missing, isRoot) ?? probeNamespaces();
  return cachedSkipReason;
}
