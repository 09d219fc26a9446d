/**
 * The NAT/conntrack module chain to remove and its removal order, from the lsmod holder graph. Which modules are
 * chain modules is src/kernel/netfilter-modules.ts; nf_defrag_ipv4/6 go too, but only when nothing outside the
 * chain holds them (xt_socket, TPROXY use them without conntrack). Shared infrastructure stays loaded.
 */
import type { LoadedModule } from '../facts/types.js';
import { defragModules, isNatChainModule } from '../kernel/netfilter-modules.js';

export interface UnloadAnalysis {
  /** Removal order: every module after all of its holders. */
  order: string[];
  /** Why nothing may be removed; empty = safe. */
  blockers: string[];
  /** Loaded defrag modules left in place because something outside the chain uses them. */
  keptDefrag: string[];
}

function selectChain(modules: LoadedModule[]): { chain: LoadedModule[]; keptDefrag: string[] } {
  const core = new Set(modules.filter((m) => isNatChainModule(m.name)).map((m) => m.name));
  const keptDefrag: string[] = [];
  for (const m of modules.filter((mod) => defragModules.has(mod.name))) {
    if (m.usedBy.every((holder) => core.has(holder)) && m.useCount <= m.usedBy.length) core.add(m.name);
    else keptDefrag.push(m.name);
  }
  return { chain: modules.filter((m) => core.has(m.name)), keptDefrag };
}

function findBlockers(chain: LoadedModule[]): string[] {
  const names = new Set(chain.map((m) => m.name));
  const blockers: string[] = [];
  for (const m of chain) {
    const outside = m.usedBy.filter((holder) => !names.has(holder));
    if (outside.length > 0)
      blockers.push(`${m.name} is held by ${outside.join(', ')}, outside the NAT/conntrack chain`);
    if (m.useCount < 0) blockers.push(`${m.name} cannot be unloaded (permanent module)`);
    else if (m.useCount > m.usedBy.length) {
      blockers.push(
        `${m.name} has ${m.useCount} references but ${m.usedBy.length} holding modules (a rule or socket uses it)`,
      );
    }
  }
  return blockers;
}

/** Kahn's algorithm; ties keep lsmod order (newest first) so the order is stable. */
function orderRemoval(chain: LoadedModule[]): string[] {
  const names = new Set(chain.map((m) => m.name));
  const pendingHolders = new Map(chain.map((m) => [m.name, new Set(m.usedBy.filter((h) => names.has(h)))]));
  const order: string[] = [];
  while (order.length < chain.length) {
    const next = chain.find((m) => !order.includes(m.name) && pendingHolders.get(m.name)!.size === 0);
    if (next === undefined) break; // a cycle: lsmod never shows one, and the caller refuses on a short order
    order.push(next.name);
    for (const holders of pendingHolders.values()) holders.delete(next.name);
  }
  return order;
}

export function analyzeUnload(modules: LoadedModule[]): UnloadAnalysis {
  const { chain, keptDefrag } = selectChain(modules);
  const blockers = findBlockers(chain);
  const order = orderRemoval(chain);
  if (order.length < chain.length) blockers.push('the holder graph has a cycle');
  return { order, blockers, keptDefrag };
}
