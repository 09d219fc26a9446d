/**
 * The uncompressed kernel, booted by QEMU through its PVH entry point: under TCG the bzImage's real-mode setup and
 * decompressor sometimes stall for 10-120 s after a reset; PVH starts the kernel directly.
 */
import { readFile } from 'node:fs/promises';
import { runCommand, runChecked } from './exec.js';

/** The kernel's LZ4 payload starts with the legacy LZ4 frame magic. */
const lz4LegacyMagic = Buffer.from([0x02, 0x21, 0x4c, 0x18]);
/** XEN_ELFNOTE_PHYS32_ENTRY: QEMU needs it to boot an ELF kernel the PVH way. */
const pvhNoteType = '0x00000012';

/** Pure: readelf -n output → whether the PVH entry note is present. */
export function hasPvhNote(readelfNotes: string): boolean {
  return readelfNotes.split('\n').some((line) => line.includes('Xen') && line.includes(pvhNoteType));
}

/** Writes vmlinux from vmlinuz; returns false (and the caller keeps the bzImage) when it cannot. */
export async function extractPvhKernel(vmlinuzFile: string, vmlinuxFile: string): Promise<boolean> {
  const offset = (await readFile(vmlinuzFile)).indexOf(lz4LegacyMagic);
  if (offset < 0) return false;
  // lz4 complains about the bzImage bytes after the payload; the ELF check below is what counts.
  await runCommand('sh', [
    '-c',
    'tail -c +"$1" "$2" | lz4 -dc -l > "$3"',
    'sh',
    String(offset + 1),
    vmlinuzFile,
    vmlinuxFile,
  ]);
  const notes = await runChecked('readelf', ['-n', '-W', vmlinuxFile]).catch(() => '');
  return hasPvhNote(notes);
}
