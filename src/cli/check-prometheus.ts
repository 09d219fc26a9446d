/**
 * `check --prometheus FILE`: validated before any host is contacted, written atomically after the check.
 * The renderer (and prom-client) is imported only when a file is written: test/cli/command-index.test.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { escapeMessage } from '../config/escape.js';
import { InputError } from '../errors.js';
import type { CheckResult } from '../facts/check-result.js';
import type { Inventory } from '../inventory/index.js';
import { writeTextFileAtomic } from '../report/atomic-file.js';

/** The absolute path to write; bad input (exit 2) when its directory does not exist. */
export function prometheusTarget(file: string): string {
  const path = resolve(file);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(`--prometheus ${file}: directory ${dir} does not exist`);
  return path;
}

/** Writes the metrics file (temp + rename in its directory); a failure is said on stderr and returned as false. */
export async function writePrometheusFile(
  path: string,
  results: readonly CheckResult[],
  inventory: Inventory,
): Promise<boolean> {
  const groups = new Map(inventory.hosts.map((h) => [h.name, h.groups]));
  try {
    // prom-client is ~15-20 ms of start-up that only --prometheus needs (issue #10): loaded here, after the check
    const { renderPrometheus } = await import('../report/prometheus.js');
    await writeTextFileAtomic(path, await renderPrometheus(results, (host) => groups.get(host) ?? [], Date.now()));
    return true;
  } catch (error) {
    process.stderr.write(`conntrack-fleet: ${escapeMessage((error as Error).message)}\n`);
    return false;
  }
}
