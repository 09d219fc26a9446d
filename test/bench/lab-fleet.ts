/**
 * A big lab fleet for benchmarks, built from labs of at most 25 hosts (own name prefix and port range) merged into one
 * YAML inventory. On a loaded machine one namespace holder in a hundred can miss its start-up window; then only that
 * small lab is started again, not the whole fleet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../lab/lab.js';

const labSize = 25;
const attempts = 4;

export interface LabFleet {
  inventoryFile: string;
  /** The labs merged into the inventory (for lab.exec and their hosts' listener PIDs). */
  labs: Lab[];
  down(): Promise<void>;
}

type Inventory = { all: { children: Record<string, { hosts: Record<string, unknown> }> } };

export async function startLabFleet(hosts: number, dir: string, portBase: number): Promise<LabFleet> {
  const labs: Lab[] = [];
  const down = async (): Promise<void> => {
    for (const lab of labs) await lab.down().catch(() => undefined);
  };
  try {
    for (let part = 0; part * labSize < hosts; part++) {
      const count = Math.min(labSize, hosts - part * labSize);
      labs.push(await startPart(count, part, dir, portBase + part * 100));
    }
  } catch (error) {
    await down();
    throw error;
  }
  const merged: Inventory = { all: { children: { lab: { hosts: {} } } } };
  for (const lab of labs) {
    const inventory = parse(readFileSync(lab.inventoryFile, 'utf8')) as Inventory;
    for (const group of Object.values(inventory.all.children)) Object.assign(merged.all.children['lab']?.hosts ?? {}, group.hosts);
  }
  const inventoryFile = path.join(dir, 'fleet.yaml');
  writeFileSync(inventoryFile, stringify(merged));
  return { inventoryFile, labs, down };
}

async function startPart(count: number, part: number, dir: string, portBase: number): Promise<Lab> {
  // lab hosts are named PREFIX1…PREFIXn: one letter per part keeps names unique across parts
  const namePrefix = `${String.fromCharCode(97 + part)}lab`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLab({ count, dir: path.join(dir, `${namePrefix}-${attempt}`), namePrefix, portBase });
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.log(`lab ${namePrefix} start failed (attempt ${attempt} of ${attempts}), retrying: ${String(error).slice(0, 160)}`);
    }
  }
}
