/** `--retry-file`: an Ansible inventory of the hosts to run again (failed, rolled back, unreachable, never started). */
import { rename, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { Inventory } from '../inventory/index.js';
import type { HostResult } from '../runner/events.js';
import { retryableOutcomes } from '../runner/outcome.js';
import { becomePasswordVars } from '../transport/become-password.js';
import type { HostTarget } from '../transport/connection.js';

/** outcome.ts `retryableOutcomes`: everything but changed and unchanged (`skipped`: stopped, interrupted, locked). */
export const retryOutcomes = retryableOutcomes;

const keyFileVars = ['ansible_private_key_file', 'ansible_ssh_private_key_file'];

/**
 * Each host keeps its merged vars, so it connects the same way; a relative key file was resolved against the
 * inventory that set it, so it is written absolute (the retry file may live elsewhere). Group membership is kept,
 * flat, so playbook patterns such as `hosts: web` still match.
 */
function retryVars(vars: Record<string, unknown>, target: HostTarget | undefined): Record<string, unknown> {
  const copy = { ...vars };
  // a secret is not copied into a new file: the retry run gets it from -K or CONNTRACK_FLEET_BECOME_PASSWORD
  for (const name of becomePasswordVars) delete copy[name];
  if (target?.privateKeyFile) {
    for (const name of keyFileVars) delete copy[name];
    copy['ansible_ssh_private_key_file'] = target.privateKeyFile;
  }
  return copy;
}

/** Pure: the inventory document. */
export function buildRetryInventory(
  inventory: Inventory,
  targets: HostTarget[],
  results: HostResult[],
): Record<string, unknown> {
  const hosts: Record<string, Record<string, unknown>> = {};
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const result of results) {
    if (!retryOutcomes.has(result.outcome)) continue;
    const host = inventory.hosts.find((h) => h.name === result.host);
    if (!host) continue;
    hosts[host.name] = retryVars(
      host.vars,
      targets.find((t) => t.name === host.name),
    );
    for (const group of host.groups.filter((g) => g !== 'all' && g !== 'ungrouped')) {
      (children[group] ??= { hosts: {} }).hosts[host.name] = null;
    }
  }
  return { all: { hosts, ...(Object.keys(children).length > 0 && { children }) } };
}

/** Written atomically (temp file, then rename); returns the number of hosts in it. */
export async function writeRetryFile(
  path: string,
  inventory: Inventory,
  targets: HostTarget[],
  results: HostResult[],
): Promise<number> {
  const document = buildRetryInventory(inventory, targets, results);
  const count = Object.keys((document.all as { hosts: object }).hosts).length;
  const temp = `${path}.tmp-${process.pid}`;
  const header = `# conntrack-fleet retry inventory from ${inventory.file}: hosts that did not end changed or unchanged\n`;
  await writeFile(temp, `${header}${stringify(document)}`);
  await rename(temp, path);
  return count;
}
