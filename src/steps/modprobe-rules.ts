/**
 * Can modprobe load a module again? Read from the modprobe.d files of the boot-config fact, with kmod's rules
 * (modprobe.d(5), libkmod-config.c / libkmod-module.c):
 * - files are read in order of their base name; a name in a higher-priority directory (/etc before /run before
 *   /usr/local/lib before /usr/lib before /lib) replaces the same name in later ones; a link to /dev/null masks it;
 * - module names compare with `-` and `_` equal;
 * - `install MODULE COMMAND` replaces loading by COMMAND; the first matching install line wins;
 * - `blacklist MODULE` only ignores the module's aliases: `modprobe MODULE` by name still loads it, so it never
 *   blocks on its own (the undo loads by name) — it is reported only next to an install line.
 * An install command is trusted to load the module only when it runs modprobe or insmod; any other command
 * (`/bin/false`, `/bin/true`, `echo disabled`) means "cannot prove the module loads again".
 */
import { modprobeDirs } from '../facts/sections/boot-config.js';
import type { BootConfig, BootFile } from '../facts/types.js';
import { modprobeLines } from './module-files.js';

export interface LoadBlocker {
  module: string;
  /** The modprobe.d file (as listed, e.g. /etc/modprobe.d/disable.conf) and the 1-based line of the install. */
  file: string;
  line: number;
  /** The install line as written (continuations joined). */
  text: string;
  /** `blacklist` lines for the same module, as FILE:LINE, for the message. */
  blacklistedAt: string[];
}

interface Rule {
  keyword: string;
  module: string;
  rest: string;
  file: string;
  line: number;
  text: string;
}

const normalize = (name: string): string => name.replace(/-/g, '_');

/** The modprobe.d files kmod reads, in its order: by base name, the highest-priority directory's copy only. */
export function effectiveModprobeFiles(boot: BootConfig): BootFile[] {
  const byName = new Map<string, BootFile>();
  for (const dir of modprobeDirs) {
    for (const file of boot.files) {
      if (!file.path.startsWith(`${dir}/`) || file.path.slice(dir.length + 1).includes('/')) continue;
      const name = file.path.slice(dir.length + 1);
      if (!byName.has(name)) byName.set(name, file);
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, file]) => file);
}

function readRules(file: BootFile): Rule[] {
  if (file.realPath === '/dev/null' || file.missing || file.state === null) return [];
  const text = Buffer.from(file.state.contentBase64, 'base64').toString('utf8');
  return modprobeLines(text).flatMap(({ line, text: lineText }) => {
    const match = /^\s*(install|blacklist)\s+(\S+)\s*(.*)$/.exec(lineText);
    if (!match) return [];
    const [, keyword = '', module = '', rest = ''] = match;
    return [{ keyword, module: normalize(module), rest: rest.trim(), file: file.path, line, text: lineText.trim() }];
  });
}

function installLoads(command: string): boolean {
  return /(^|[\s;&|/])(modprobe|insmod)(\s|$)/.test(command);
}

/** The modules of `modules` that modprobe could not load again, each with the blocking line. Pure. */
export function findLoadBlockers(boot: BootConfig | null, modules: readonly string[]): LoadBlocker[] {
  if (!boot) return [];
  const rules = effectiveModprobeFiles(boot).flatMap(readRules);
  return modules.flatMap((module): LoadBlocker[] => {
    const name = normalize(module);
    const install = rules.find((rule) => rule.keyword === 'install' && rule.module === name);
    if (!install || installLoads(install.rest)) return [];
    const blacklistedAt = rules
      .filter((rule) => rule.keyword === 'blacklist' && rule.module === name)
      .map((rule) => `${rule.file}:${rule.line}`);
    return [{ module, file: install.file, line: install.line, text: install.text, blacklistedAt }];
  });
}

/** `nf_conntrack: /etc/modprobe.d/off.conf:3 "install nf_conntrack /bin/false"` (+ blacklist lines). */
export function describeBlocker(blocker: LoadBlocker): string {
  const also = blocker.blacklistedAt.length > 0 ? ` (blacklisted at ${blocker.blacklistedAt.join(', ')})` : '';
  return `${blocker.module}: ${blocker.file}:${blocker.line} ${JSON.stringify(blocker.text)}${also}`;
}
