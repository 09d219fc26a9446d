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
  /** The small labs the fleet is made of, in host order (each with its own key and known_hosts). */
  labs: Lab[];
  /** With `partial`: why the fleet stopped short of the hosts asked for (then `labs` holds fewer); else null. */
  shortfall: string | null;
  down(): Promise<void>;
}

type Inventory = { all: { children: Record<string, { hosts: Record<string, unknown> }> } };

/** `partial`: when a part fails for good, keep the hosts started so far (at least one part) and say why. */
export async function startLabFleet(
  hosts: number,
  dir: string,
  portBase: number,
  options: { partial?: boolean } = {},
): Promise<LabFleet> {
  const labs: Lab[] = [];
  let shortfall: string | null = null;
  const down = async (): Promise<void> => {
    for (const lab of labs) await lab.down().catch(() => undefined);
  };
  try {
    for (let part = 0; part * labSize < hosts; part++) {
      const count = Math.min(labSize, hosts - part * labSize);
      labs.push(await startPart(count, part, dir, portBase + part * 100));
    }
  } catch (error) {
    if (!options.partial || labs.length === 0) {
      await down();
      throw error;
    }
    shortfall = error instanceof Error ? error.message : String(error);
  }
  const merged: Inventory = { all: { children: { lab: { hosts: {} } } } };
  for (const lab of labs) {
    const inventory = parse(readFileSync(lab.inventoryFile, 'utf8')) as Inventory;
    for (const group of Object.values(inventory.all.children))
      Object.assign(merged.all.children['lab']?.hosts ?? {}, group.hosts);
  }
  const inventoryFile = path.join(dir, 'fleet.yaml');
  writeFileSync(inventoryFile, stringify(merged));
  return { inventoryFile, labs, shortfall, down };
}

async function startPart(count: number, part: number, dir: string, portBase: number): Promise<Lab> {
  // lab hosts are named PREFIX1…PREFIXn: one letter per part (two past 26 parts) keeps names unique across parts
  const letter = (n: number): string => String.fromCharCode(97 + n);
  const namePrefix = `${part < 26 ? letter(part) : letter(Math.floor(part / 26) - 1) + letter(part % 26)}lab`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLab({ count, dir: path.join(dir, `${namePrefix}-${attempt}`), namePrefix, portBase });
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.log(
        `lab ${namePrefix} start failed (attempt ${attempt} of ${attempts}), retrying: ${String(error).slice(0, 160)}`,
      );
    }
  }
}
