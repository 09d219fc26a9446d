/** Building an inventory draft's groups: shared by the YAML and the INI parser. */
import type { SourcePosition } from '../errors.js';
import type { GroupDraft, InventoryDraft } from './types.js';

/** Hosts of each group as a set too: `hosts.includes` made large groups quadratic. */
const members = new WeakMap<GroupDraft, Set<string>>();

/** Adds `host` to `group` once, keeping inventory order. */
export function addMember(group: GroupDraft, host: string): void {
  let set = members.get(group);
  if (!set) members.set(group, (set = new Set(group.hosts)));
  if (set.has(host)) return;
  set.add(host);
  group.hosts.push(host);
}

/** The group called `name`, created empty at `position` (where it is first named) if the draft has none yet. */
export function ensureGroup(draft: InventoryDraft, name: string, position: SourcePosition): GroupDraft {
  let group = draft.groups.get(name);
  if (!group) {
    group = { name, position, vars: new Map(), children: [], hosts: [] };
    draft.groups.set(name, group);
  }
  return group;
}
