/** Ansible inventory: loading, host patterns, connection targets. */
export { loadInventory } from './load-inventory.js';
export { expandLimit } from './limit-pattern.js';
export { parseHostPattern, type PatternTerm } from './host-pattern.js';
export { limitHosts, selectHosts } from './select-hosts.js';
export { parseAnsibleBool, toHostTarget } from './host-target.js';
export { varPosition } from './var-positions.js';
export type { Inventory, InventoryGroup, InventoryHost } from './types.js';
