/**
 * Reads Ansible inventory sources (I/O at the edge; parsing and resolution are pure), merged as Ansible merges
 * several `-i` options: groups and hosts of later sources join those of earlier ones, and a later definition
 * of a variable wins. Then group_vars/ and host_vars/ beside each source, in the same order.
 */
import { InputError } from '../errors.js';
import { readSource } from './inventory-sources.js';
import { resolveInventory } from './resolve-inventory.js';
import type { Inventory, InventoryDraft } from './types.js';
import { addVarsFiles } from './vars-files.js';

/** `sources`: files, directories or comma lists of hosts, as given with -i. Errors are InputErrors. */
export function loadInventory(sources: string | readonly string[]): Inventory {
  const list = typeof sources === 'string' ? [sources] : sources;
  if (list.length === 0) throw new InputError('no inventory given; expected -i FILE, -i DIR or -i host1,host2,');
  const read = list.map(readSource);
  const draft = mergeDrafts(
    read.flatMap((r) => r.drafts),
    list.join(', '),
  );
  for (const { varsDir } of read) if (varsDir !== undefined) addVarsFiles(draft, varsDir);
  return resolveInventory(draft);
}

/** Pure: one draft holding all of `drafts`, in order. */
export function mergeDrafts(drafts: readonly InventoryDraft[], file: string): InventoryDraft {
  if (drafts.length === 1 && drafts[0]) return drafts[0];
  const merged: InventoryDraft = { file, groups: new Map(), hosts: new Map() };
  for (const draft of drafts) {
    for (const [name, group] of draft.groups) {
      const into = merged.groups.get(name);
      if (!into) {
        merged.groups.set(name, {
          ...group,
          vars: new Map(group.vars),
          children: [...group.children],
          hosts: [...group.hosts],
        });
        continue;
      }
      for (const [key, def] of group.vars) into.vars.set(key, def);
      for (const child of group.children)
        if (!into.children.some((c) => c.name === child.name)) into.children.push(child);
      for (const host of group.hosts) if (!into.hosts.includes(host)) into.hosts.push(host);
    }
    for (const [name, vars] of draft.hosts) {
      const into = merged.hosts.get(name) ?? new Map();
      for (const [key, def] of vars) into.set(key, def);
      merged.hosts.set(name, into);
    }
  }
  return merged;
}
