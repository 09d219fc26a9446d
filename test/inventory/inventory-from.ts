/** Test helper: an Inventory from YAML text, through the same parse and resolve as loadInventory. */
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { parseInventory } from '../../src/inventory/parse-inventory.js';
import { resolveInventory } from '../../src/inventory/resolve-inventory.js';
import type { Inventory, InventoryHost } from '../../src/inventory/types.js';

export function inventoryFrom(text: string, file = 'inv.yaml'): Inventory {
  return resolveInventory(parseInventory(parseYamlSource(file, text)));
}

export function hostNamed(inventory: Inventory, name: string): InventoryHost {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name} in ${inventory.hosts.map((h) => h.name).join(', ')}`);
  return host;
}
