/** Reads an Ansible YAML inventory file (I/O at the edge; parsing and resolution are pure). */
import { loadYamlSource } from '../config/yaml-source.js';
import { parseInventory } from './parse-inventory.js';
import { resolveInventory } from './resolve-inventory.js';
import type { Inventory } from './types.js';

export function loadInventory(file: string): Inventory {
  return resolveInventory(parseInventory(loadYamlSource(file, 'inventory')));
}
