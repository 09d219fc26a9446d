/** Loads the OpenSSH client config named by -F (default ~/.ssh/config) and applies it to the targets. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { applySshConfig, explicitFieldsOf } from '../transport/apply-ssh-config.js';
import type { HostTarget } from '../transport/connection.js';
import { parseSshConfig } from '../transport/ssh-config.js';
import { sshConfigIncludeReader } from '../transport/ssh-config-include.js';
import { escapeControl } from '../config/escape.js';

export function withSshConfig(targets: HostTarget[], file: string | undefined, userFlag: boolean): HostTarget[] {
  if (file === 'none') return targets;
  const home = homedir();
  const path = file ? resolve(file) : join(home, '.ssh', 'config');
  if (!existsSync(path)) {
    if (file) throw new InputError(`--ssh-config ${file}: no such file`);
    return targets;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ssh config ${path}: ${(error as Error).message}`, undefined, { cause: error });
  }
  // -F FILE is a user config to ssh too: its relative Include paths are under ~/.ssh
  const config = parseSshConfig(text, path, sshConfigIncludeReader(home));
  for (const note of config.notes) process.stderr.write(`conntrack-fleet: ${escapeControl(note)}\n`);
  return targets.map((t) => applySshConfig(t, config, explicitFieldsOf(t.vars, userFlag), home));
}
