/** The extracted kernel package: vmlinuz, its module tree and dependency graph; copies modules into other trees. */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runChecked } from './exec.js';
import { findModulePath, loadOrder, modulesUnder, parseModulesDep, type ModuleDeps } from './module-graph.js';

export interface KernelTree {
  /** `uname -r` of the guest, e.g. 6.1.0-50-cloud-amd64. */
  release: string;
  vmlinuzFile: string;
  /** …/lib/modules/RELEASE inside the extraction. */
  modulesDir: string;
  deps: ModuleDeps;
}

export async function extractKernel(debFile: string, dir: string): Promise<KernelTree> {
  await runChecked('dpkg-deb', ['-x', debFile, dir]);
  const releases = await readdir(join(dir, 'lib/modules'));
  const release = releases[0];
  if (releases.length !== 1 || !release)
    throw new Error(`expected one kernel in ${debFile}, found: ${releases.join(', ')}`);
  // The package ships no modules.dep (its postinst runs depmod); the host's depmod writes it for this tree.
  await runChecked('depmod', ['-b', dir, release]);
  const modulesDir = join(dir, 'lib/modules', release);
  const deps = parseModulesDep(await readFile(join(modulesDir, 'modules.dep'), 'utf8'));
  return { release, vmlinuzFile: join(dir, 'boot', `vmlinuz-${release}`), modulesDir, deps };
}

/** Module paths (relative) for named modules and whole directories, with everything they need. */
export function selectModules(kernel: KernelTree, names: readonly string[], dirs: readonly string[] = []): string[] {
  const wanted = [...names.map((name) => findModulePath(kernel.deps, name)), ...modulesUnder(kernel.deps, dirs)];
  return loadOrder(kernel.deps, wanted);
}

/** Copies the modules into ROOT/lib/modules/RELEASE with the kernel's metadata files, then runs depmod there. */
export async function installModules(kernel: KernelTree, root: string, paths: readonly string[]): Promise<void> {
  const target = join(root, 'lib/modules', kernel.release);
  for (const path of paths) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    await copyFile(join(kernel.modulesDir, path), join(target, path));
  }
  for (const meta of ['modules.builtin', 'modules.builtin.modinfo', 'modules.order']) {
    await copyFile(join(kernel.modulesDir, meta), join(target, meta));
  }
  await runChecked('depmod', ['-b', root, kernel.release]);
}
