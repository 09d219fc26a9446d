/** Inventories built from a lab's own: the same hosts regrouped, plus hosts that point nowhere. */
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { parse, stringify } from 'yaml';
import type { Lab } from '../lab/lab.js';

type HostVars = Record<string, unknown>;

/** Each lab host's variables (address, port, user, key, known_hosts), as the lab's inventory gives them. */
export async function labHostVars(lab: Lab): Promise<Record<string, HostVars>> {
  const inventory = parse(await readFile(lab.inventoryFile, 'utf8')) as {
    all: { children: Record<string, { hosts: Record<string, HostVars> }> };
  };
  return Object.assign({}, ...Object.values(inventory.all.children).map((group) => group.hosts)) as Record<
    string,
    HostVars
  >;
}

/**
 * Writes `all: children: GROUP: hosts: …` with the lab hosts' own variables; `extraHosts` are added to the group
 * they name with the variables given (merged over lab1's, so they use the same key and known_hosts).
 */
export async function writeGroupedInventory(
  lab: Lab,
  file: string,
  groups: Record<string, string[]>,
  extraHosts: Record<string, { group: string; vars: HostVars }> = {},
): Promise<void> {
  const vars = await labHostVars(lab);
  const template = vars[lab.hosts[0]?.name ?? ''] ?? {};
  const children: Record<string, { hosts: Record<string, HostVars> }> = {};
  for (const [group, hosts] of Object.entries(groups)) {
    children[group] = { hosts: Object.fromEntries(hosts.map((h) => [h, vars[h] ?? {}])) };
  }
  for (const [name, extra] of Object.entries(extraHosts)) {
    const group = (children[extra.group] ??= { hosts: {} });
    group.hosts[name] = { ...template, ...extra.vars };
  }
  await writeFile(file, stringify({ all: { children } }));
}

/** A 127.0.0.1 port nothing listens on: bound by the kernel's choice, then released. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
