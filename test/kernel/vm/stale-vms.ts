/** VM directories left by test processes that died (killed, crashed) are removed before a new VM starts. */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ownerFile = 'owner.pid';

export function markOwner(vmDir: string): Promise<void> {
  return writeFile(join(vmDir, ownerFile), `${process.pid}\n`);
}

function ownerAlive(vmDir: string): boolean {
  const file = join(vmDir, ownerFile);
  if (!existsSync(file)) return true; // being created right now
  try {
    process.kill(Number(readFileSync(file, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

export async function removeStaleVmDirs(vmsDir: string): Promise<void> {
  const names = await readdir(vmsDir).catch(() => []);
  for (const name of names) {
    const dir = join(vmsDir, name);
    if (!ownerAlive(dir)) await rm(dir, { recursive: true, force: true });
  }
}
