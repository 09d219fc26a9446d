/**
 * `--shard I/N`: the I-th of N stable slices of the selected hosts, so an existing scheduler (a Kubernetes Indexed
 * Job, a CI matrix, several cron hosts) can fan a very large fleet out over several controllers.
 *
 * I counts from 1 (1/4 … 4/4, like `--serial` batch numbers and CI matrix labels); `--shard index/N` reads the
 * 0-based index from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs number completions 0…N-1).
 * A host belongs to slice 1 + (FNV-1a-32(name) mod N): it depends on the host's inventory name only, so it stays in
 * the same slice when other hosts come and go or the inventory is reordered, and every host is in exactly one slice.
 */
import { InputError } from '../errors.js';

export interface Shard {
  /** 1-based slice number, 1 ≤ index ≤ count. */
  index: number;
  count: number;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes (http://www.isthe.com/chongo/tech/comp/fnv/): stable across Node versions. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 1-based slice a host name falls in. */
export function shardOf(hostName: string, count: number): number {
  return 1 + (fnv1a32(hostName) % count);
}

/**
 * Parses `I/N` (1 ≤ I ≤ N) or `index/N` (I = JOB_COMPLETION_INDEX + 1, from `env`). Throws InputError (exit 2)
 * with an example for anything else, and when `index/N` is given without a JOB_COMPLETION_INDEX in 0…N-1.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const match = /^\s*(\d+|index)\s*\/\s*(\d+)\s*$/.exec(text);
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isInteger(count) || count < 1) {
    throw new InputError(
      `--shard: "${text}" is not I/N; expected e.g. --shard 2/4 (slice 2 of 4, counting from 1) or --shard index/4 (from JOB_COMPLETION_INDEX)`,
    );
  }
  if (match[1] === 'index') {
    const raw = env['JOB_COMPLETION_INDEX'];
    const zeroBased = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(zeroBased >= 0 && zeroBased < count)) {
      throw new InputError(
        `--shard index/${count}: JOB_COMPLETION_INDEX is ${raw === undefined ? 'not set' : `"${raw}"`}; expected 0-${count - 1} (a Kubernetes Indexed Job sets it)`,
      );
    }
    return { index: zeroBased + 1, count };
  }
  const index = Number(match[1]);
  if (index < 1 || index > count) throw new InputError(`--shard ${text}: I must be 1-${count} (slices count from 1)`);
  return { index, count };
}

/** The hosts of one slice, in their original order. */
export function selectShard<T extends { name: string }>(hosts: readonly T[], shard: Shard): T[] {
  return hosts.filter((host) => shardOf(host.name, shard.count) === shard.index);
}
