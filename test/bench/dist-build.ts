/** Benchmarks run the CLI from dist (no tsx start-up in the numbers): build it when src has anything newer. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(repoDir: string): void {
  const built = (() => {
    try {
      return statSync(path.join(repoDir, 'dist', 'cli', 'main.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (built >= newestMtimeMs(path.join(repoDir, 'src'))) return;
  console.log('dist is older than src: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: repoDir, stdio: 'inherit' });
}
