/**
 * Loads the OpenSSH client config as ssh(1) does and applies it to the targets: `-F FILE` reads only FILE, `-F none`
 * nothing; by default ~/.ssh/config, then the system-wide /etc/ssh/ssh_config, the first value obtained winning
 * across both (ssh_config(5) FILES), so a bastion or known-hosts file set up for every user applies here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { applySshConfig, explicitFieldsOf } from '../transport/apply-ssh-config.js';
import type { HostTarget } from '../transport/connection.js';
import { parseSshConfig, type SshConfig } from '../transport/ssh-config.js';
import { sshConfigIncludeReader } from '../transport/ssh-config-include.js';
import { escapeControl } from '../config/escape.js';

export const systemSshConfigFile = '/etc/ssh/ssh_config';

export function withSshConfig(
  targets: HostTarget[],
  file: string | undefined,
  userFlag: boolean,
  systemFile = systemSshConfigFile,
): HostTarget[] {
  if (file === 'none') return targets;
  const home = homedir();
  const config = loadSshConfig(file, home, systemFile);
  if (!config) return targets;
  for (const note of config.notes) process.stderr.write(`conntrack-fleet: ${escapeControl(note)}\n`);
  return targets.map((t) => applySshConfig(t, config, explicitFieldsOf(t.vars, userFlag), home));
}

/** The config ssh would read (null when there is none); `file` is -F's value. Throws InputError (exit 2). */
export function loadSshConfig(file: string | undefined, home: string, systemFile: string): SshConfig | null {
  // -F FILE is a user config to ssh too: its relative Include paths are under ~/.ssh
  if (file) {
    const path = resolve(file);
    if (!existsSync(path)) throw new InputError(`--ssh-config ${file}: no such file`);
    return parseSshConfig(readConfig(path), path, sshConfigIncludeReader(home));
  }
  const parts = [
    { path: join(home, '.ssh', 'config'), baseDir: join(home, '.ssh') },
    // the system file's relative Include paths are under /etc/ssh
    { path: systemFile, baseDir: dirname(systemFile) },
  ].filter((part) => existsSync(part.path));
  if (parts.length === 0) return null;
  const configs = parts.map((p) => parseSshConfig(readConfig(p.path), p.path, sshConfigIncludeReader(home, p.baseDir)));
  return { blocks: configs.flatMap((c) => c.blocks), notes: configs.flatMap((c) => c.notes) };
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ssh config ${path}: ${(error as Error).message}`, undefined, { cause: error });
  }
}
