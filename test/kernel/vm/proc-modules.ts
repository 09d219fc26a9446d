/** Pure: /proc/modules as a holder graph, and the order in which a module and everything holding it can be removed. */

export interface LoadedModule {
  name: string;
  useCount: number;
  /** Modules that hold this one (the "Used by" column). */
  holders: string[];
}

/** `nf_conntrack 188416 2 nf_nat,xt_MASQUERADE, Live 0x0000000000000000` → one LoadedModule per line. */
export function parseProcModules(text: string): LoadedModule[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4 && fields[0])
    .map(([name, , useCount, holders]) => ({
      name: name!,
      useCount: Number(useCount),
      holders: holders === '-' ? [] : holders!.split(',').filter(Boolean).sort(),
    }));
}

/** TARGET and every module holding it, transitively; each appears after all of its holders (rmmod order). */
export function removalOrder(modules: readonly LoadedModule[], target: string): string[] {
  const byName = new Map(modules.map((module) => [module.name, module]));
  if (!byName.has(target)) throw new Error(`${target} is not loaded`);
  const ordered: string[] = [];
  const visit = (name: string, trail: readonly string[]): void => {
    if (ordered.includes(name)) return;
    if (trail.includes(name)) throw new Error(`holder cycle: ${[...trail, name].join(' → ')}`);
    for (const holder of byName.get(name)?.holders ?? []) visit(holder, [...trail, name]);
    ordered.push(name);
  };
  visit(target, []);
  return ordered;
}

/** Use counts not explained by holder modules: a rule, a socket or a table holds the module. */
export function heldByNonModules(modules: readonly LoadedModule[]): string[] {
  return modules.filter((module) => module.useCount > module.holders.length).map((module) => module.name);
}

/** name → sorted holders, for comparing graphs. */
export function holderMap(modules: readonly LoadedModule[], names?: readonly string[]): Record<string, string[]> {
  const wanted = names ? modules.filter((module) => names.includes(module.name)) : modules;
  return Object.fromEntries(
    wanted.map((module) => [module.name, module.holders]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}
