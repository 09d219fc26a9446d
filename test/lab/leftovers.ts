/** Test helper: what of a lab still exists on this machine (processes, namespaces, mounts, files). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { listNamespaceMembers, namespaceId } from './processes.js';
import type { Lab } from './lab.js';

/** PIDs of processes whose mount table mounts anything from under `dir` (a lab host's namespace, seen from outside). */
export function findProcessesMounting(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
          .split('\n')
          .some((line) => line.split(' ')[3]?.startsWith(dir));
      } catch {
        return false; // the process exited meanwhile
      }
    })
    .map(Number);
}

/** What identifies a running lab on this machine; record it while the lab is up, check it after it went down. */
export interface LabIdentity {
  dir: string;
  files: string[];
  pids: number[];
  namespaces: { id: string | null; kind: 'mnt' | 'net' }[];
}

export function recordLabIdentity(lab: Lab): LabIdentity {
  return {
    dir: lab.dir,
    files: [lab.dir, lab.inventoryFile, lab.knownHostsFile],
    pids: lab.hosts.flatMap((host) => [host.holderPid, host.listenerPid]),
    namespaces: lab.hosts.flatMap((host) => [
      { id: namespaceId(host.holderPid, 'mnt'), kind: 'mnt' as const },
      { id: namespaceId(host.holderPid, 'net'), kind: 'net' as const },
    ]),
  };
}

/** Everything of a recorded lab that still exists (processes, namespaces, mounts, files); [] when it is all gone. */
export function findLeftovers(identity: LabIdentity): string[] {
  const leftovers: string[] = [];
  for (const pid of identity.pids) if (existsSync(`/proc/${pid}`)) leftovers.push(`process ${pid}`);
  for (const { id, kind } of identity.namespaces) {
    // the kernel reuses namespace ids at once: a member counts only when it is of THIS lab (names its dir)
    if (id && listNamespaceMembers(id, kind).some((pid) => mentions(pid, identity.dir)))
      leftovers.push(`namespace ${id}`);
  }
  for (const pid of findProcessesMounting(identity.dir)) leftovers.push(`process ${pid} mounting from ${identity.dir}`);
  for (const file of identity.files) if (existsSync(file)) leftovers.push(`file ${file}`);
  return leftovers;
}

/** True when the process's command line or mount table names `dir` (a lab's holder, sshd, listener or shell). */
function mentions(pid: number, dir: string): boolean {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) return true;
    return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(dir);
  } catch {
    return false; // exited meanwhile
  }
}

/** Takes the lab down, then lists everything of it that still exists. */
export async function downAndFindLeftovers(lab: Lab): Promise<string[]> {
  const identity = recordLabIdentity(lab);
  await lab.down();
  return findLeftovers(identity);
}
