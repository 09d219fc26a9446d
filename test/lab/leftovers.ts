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
        return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').some((line) => line.split(' ')[3]?.startsWith(dir));
      } catch {
        return false; // the process exited meanwhile
      }
    })
    .map(Number);
}

/** Takes the lab down, then lists everything of it that still exists. */
export async function downAndFindLeftovers(lab: Lab): Promise<string[]> {
  const namespaces = lab.hosts.flatMap((host) => [
    { id: namespaceId(host.holderPid, 'mnt'), kind: 'mnt' as const },
    { id: namespaceId(host.holderPid, 'net'), kind: 'net' as const },
  ]);
  const pids = lab.hosts.flatMap((host) => [host.holderPid, host.listenerPid]);
  await lab.down();
  const leftovers: string[] = [];
  for (const pid of pids) if (existsSync(`/proc/${pid}`)) leftovers.push(`process ${pid}`);
  for (const { id, kind } of namespaces) {
    if (id && listNamespaceMembers(id, kind).length > 0) leftovers.push(`namespace ${id}`);
  }
  for (const pid of findProcessesMounting(lab.dir)) leftovers.push(`process ${pid} mounting from ${lab.dir}`);
  for (const file of [lab.dir, lab.inventoryFile, lab.knownHostsFile]) if (existsSync(file)) leftovers.push(`file ${file}`);
  return leftovers;
}
