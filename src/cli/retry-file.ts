/** `--retry-file`: an Ansible inventory of the hosts to run again (failed, unreachable, never started). */
import { writeFile, rename } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { Inventory } from '../inventory/index.js';
import type { HostResult } from '../runner/events.js';

const retryOutcomes = new Set(['failed', 'rolled-back', 'rollback-failed', 'unreachable', 'skipped']);

/** Pure: the inventory document; each host keeps its fully resolved vars, so it connects the same way. */
export function buildRetryInventory(inventory: Inventory, results: HostResult[]): Record<string, unknown> {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const result of results) {
    if (!retryOutcomes.has(result.outcome)) continue;
    const host = inventory.hosts.find((h) => h.name === result.host);
    if (host) hosts[host.name] = host.vars;
  }
  return { all: { hosts } };
}

export async function writeRetryFile(path: string, inventory: Inventory, results: HostResult[]): Promise<number> {
  const document = buildRetryInventory(inventory, results);
  const count = Object.keys((document.all as { hosts: object }).hosts).length;
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, `# conntrack-fleet retry inventory: hosts that did not finish as changed/unchanged\n${stringify(document)}`);
  await rename(temp, path);
  return count;
}
