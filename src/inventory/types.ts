/** An Ansible YAML inventory, resolved: plain data, hosts in inventory order, variables merged as Ansible does. */
import type { SourcePosition } from '../errors.js';

export interface InventoryHost {
  name: string;
  /** Effective variables: group vars merged by (depth, ansible_group_priority, name), then host vars. */
  vars: Record<string, unknown>;
  /** Every group the host belongs to, ancestors and `all` included, in the order their vars were merged. */
  groups: string[];
}

export interface InventoryGroup {
  name: string;
  /** Longest distance from `all` (which is 0); deeper groups win variable conflicts. */
  depth: number;
  /** ansible_group_priority (default 1); among groups of equal depth the higher one wins. */
  priority: number;
  parents: string[];
  children: string[];
  /** Hosts listed directly in this group (not those of its children), in inventory order. */
  hosts: string[];
  /** This group's own variables, not inherited ones. */
  vars: Record<string, unknown>;
  /** Where the group is first defined; absent for implicit groups. */
  position?: SourcePosition;
}

export interface Inventory {
  /** The inventory source (or sources, joined with ", ") as given with -i. */
  file: string;
  /** Each host once, in order of first appearance in the file. */
  hosts: InventoryHost[];
  groups: Map<string, InventoryGroup>;
}

/** A variable's value and where it was written. */
export interface VarDef {
  value: unknown;
  position: SourcePosition;
}

/** Parser output, before inheritance is resolved. Maps keep document order. */
export interface InventoryDraft {
  file: string;
  groups: Map<string, GroupDraft>;
  /** Host name → its own vars (later definitions of the same var override earlier ones, as in Ansible). */
  hosts: Map<string, Map<string, VarDef>>;
  /** group_vars/ and host_vars/ files beside the inventory: they beat the inventory's own group and host vars. */
  groupFileVars?: Map<string, Map<string, VarDef>>;
  hostFileVars?: Map<string, Map<string, VarDef>>;
}

export interface GroupDraft {
  name: string;
  position?: SourcePosition;
  vars: Map<string, VarDef>;
  children: Array<{ name: string; position: SourcePosition }>;
  hosts: string[];
}
