/** Pure: the kernel's modules.dep as a graph; dependency closures and load order. */
import { posix } from 'node:path';

/** Module path (relative to /lib/modules/KVER) → the paths it needs loaded first. */
export type ModuleDeps = ReadonlyMap<string, readonly string[]>;

export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const needs = line.slice(colon + 1).trim();
    deps.set(line.slice(0, colon).trim(), needs ? needs.split(/\s+/) : []);
  }
  return deps;
}

/** `kernel/net/netfilter/nf_conntrack.ko` → `nf_conntrack`; dashes become underscores as in /proc/modules. */
export function moduleName(path: string): string {
  return posix
    .basename(path)
    .replace(/\.ko(\.\w+)?$/, '')
    .replaceAll('-', '_');
}

export function findModulePath(deps: ModuleDeps, name: string): string {
  const wanted = name.replaceAll('-', '_');
  for (const path of deps.keys()) if (moduleName(path) === wanted) return path;
  throw new Error(`module ${name} is not in modules.dep`);
}

/** The paths given plus everything they need, dependencies before dependents (insmod order). */
export function loadOrder(deps: ModuleDeps, paths: readonly string[]): string[] {
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, trail: readonly string[]): void => {
    if (seen.has(path)) return;
    if (trail.includes(path)) throw new Error(`module dependency cycle: ${[...trail, path].join(' → ')}`);
    const needs = deps.get(path);
    if (!needs) throw new Error(`module ${path} is not in modules.dep`);
    for (const need of needs) visit(need, [...trail, path]);
    seen.add(path);
    ordered.push(path);
  };
  for (const path of paths) visit(path, []);
  return ordered;
}

/** Every module path under one of the directories (`kernel/net` matches `kernel/net/…`). */
export function modulesUnder(deps: ModuleDeps, dirs: readonly string[]): string[] {
  return [...deps.keys()].filter((path) => dirs.some((dir) => path.startsWith(`${dir}/`))).sort();
}
