/** The initramfs: static busybox, the virtio modules in load order, and an /init that switches to the ext4 root. */
import { copyFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runShell } from './exec.js';
import { selectModules, type KernelTree } from './kernel-tree.js';
import { initramfsModules } from './pins.js';

export interface InitramfsInputs {
  kernel: KernelTree;
  /** The static busybox binary (from busybox-static). */
  busyboxFile: string;
  initScriptFile: string;
}

/** Builds the tree in TREE_DIR and packs it as a newc cpio archive at OUT_FILE; returns the modules it loads. */
export async function buildInitramfs(treeDir: string, outFile: string, inputs: InitramfsInputs): Promise<string[]> {
  await mkdir(join(treeDir, 'bin'), { recursive: true });
  await copyFile(inputs.busyboxFile, join(treeDir, 'bin/busybox'));
  await chmod(join(treeDir, 'bin/busybox'), 0o755);
  await copyFile(inputs.initScriptFile, join(treeDir, 'init'));
  await chmod(join(treeDir, 'init'), 0o755);
  const modules = selectModules(inputs.kernel, initramfsModules);
  const loadList: string[] = [];
  for (const path of modules) {
    const inTree = join('lib/modules', inputs.kernel.release, path);
    await mkdir(dirname(join(treeDir, inTree)), { recursive: true });
    await copyFile(join(inputs.kernel.modulesDir, path), join(treeDir, inTree));
    loadList.push(inTree);
  }
  await writeFile(join(treeDir, 'modules.load'), `${loadList.join('\n')}\n`);
  await runShell('cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet > "$2"', [treeDir, outFile]);
  return modules;
}
