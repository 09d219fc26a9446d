/**
 * Reads the files an ssh_config `Include` names, as ssh does (ssh_config(5) Include, readconf.c):
 * - a leading `~` is the home directory; a path that is still not absolute is under ~/.ssh (a user config;
 *   `-F FILE` counts as one), or under /etc/ssh for the system-wide config;
 * - `*` and `?` glob in every path component (glob(3): they do not match a leading `.`), results sorted;
 *   a pattern that matches nothing is skipped silently, as in ssh;
 * - a matched file that cannot be read is an error (ssh: "Can't open user config file"), as bad input.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { SshConfigIncludeReader } from './ssh-config.js';

const hasWildcard = (text: string) => /[*?]/.test(text);

/** A reader for parseSshConfig; `baseDir`: ~/.ssh for a user config, /etc/ssh for the system one. */
export function sshConfigIncludeReader(home: string, baseDir = path.join(home, '.ssh')): SshConfigIncludeReader {
  return (word) => {
    const expanded = word.replace(/^~(?=\/|$)/, home);
    const pattern = path.isAbsolute(expanded) ? expanded : path.join(baseDir, expanded);
    return expandPath(pattern).map((file) => ({ file, text: readIncluded(file) }));
  };
}

/** Every existing path matching `pattern` (absolute), sorted as glob(3) sorts. */
function expandPath(pattern: string): string[] {
  const parts = pattern.split('/').filter(Boolean);
  let found = ['/'];
  for (const part of parts) {
    found = found.flatMap((dir) => {
      if (!hasWildcard(part)) return [path.join(dir, part)];
      return listDir(dir)
        .filter((name) => !name.startsWith('.') && matchExact(name, part))
        .sort()
        .map((name) => path.join(dir, name));
    });
  }
  return found.filter(isFile);
}

/** glob(3) `*` and `?`, case-sensitive (unlike ssh's host patterns). */
function matchExact(name: string, part: string): boolean {
  const source = [...part]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function readIncluded(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ssh config ${file} (Include): ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}
