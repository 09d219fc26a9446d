/** The root disk: an ext4 filesystem made from a directory (mkfs.ext4 -d), stored as a compact qcow2 base image. */
import { rm } from 'node:fs/promises';
import { runChecked } from './exec.js';

export async function makeRootDisk(
  rootDir: string,
  rawFile: string,
  qcow2File: string,
  sizeMiB: number,
): Promise<void> {
  await runChecked('mkfs.ext4', ['-q', '-F', '-L', 'ctf-root', '-d', rootDir, rawFile, `${sizeMiB}M`]);
  await runChecked('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', rawFile, qcow2File]);
  await rm(rawFile, { force: true });
}
