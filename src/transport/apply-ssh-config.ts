/**
 * Merges ~/.ssh/config into a target the way Ansible + ssh would: inventory variables (passed by
 * Ansible as ssh options) beat the config, which beats built-in defaults. Pure.
 */
import { existsSync } from 'node:fs';
import type { HostTarget } from './connection.js';
import { resolveRoute } from './proxy-route.js';
import { expandTokens, lookupSshConfig, type SshConfig, type SshHostConfig } from './ssh-config.js';

/** Which target fields the inventory or the command line set explicitly. */
export interface ExplicitFields {
  port: boolean;
  user: boolean;
}

export function explicitFieldsOf(vars: Record<string, unknown>, userFlag: boolean): ExplicitFields {
  const has = (...names: string[]) => names.some((n) => vars[n] !== undefined && vars[n] !== null);
  return {
    port: has('ansible_port', 'ansible_ssh_port'),
    user: userFlag || has('ansible_user', 'ansible_ssh_user'),
  };
}

export function applySshConfig(
  target: HostTarget,
  config: SshConfig,
  explicit: ExplicitFields,
  home: string,
  fileExists: (path: string) => boolean = existsSync,
): HostTarget {
  // ssh matches Host patterns against the name it was given: ansible_host, else the inventory name
  // `Match user` sees the user given on the command line (Ansible passes ansible_user as -o User=)
  const found = lookupSshConfig(config, target.address, explicit.user ? { user: target.user } : {});
  const next: HostTarget = { ...target };
  if (!explicit.port && found.port !== undefined) next.port = found.port;
  if (!explicit.user && found.user !== undefined) next.user = found.user;
  const tokens = () => ({ host: next.address, port: next.port, user: next.user, home });
  if (found.hostName !== undefined) next.address = expandTokens(found.hostName, { ...tokens(), host: target.address });
  if (!next.privateKeyFile) {
    const key = found.identityFiles.map((f) => expandTokens(f, tokens())).find((f) => fileExists(f));
    if (key) next.privateKeyFile = key;
  }
  applyKnownHostsFiles(next, found, (file) => expandTokens(file, tokens()), home);
  // -J / -o ProxyJump|ProxyCommand on the command line (the inventory) beat the config's, `none` included
  next.route = resolveRoute(target.proxy ?? found.proxy, { config, home, fileExists }, target.address);
  return next;
}

/**
 * The inventory's `-o UserKnownHostsFile`/`-o GlobalKnownHostsFile` win over the config's (ssh keeps the first value).
 * ssh_config(5) TOKENS: UserKnownHostsFile takes tokens; GlobalKnownHostsFile only a leading ~ (ssh.c tilde_expand_paths).
 */
function applyKnownHostsFiles(
  next: HostTarget,
  found: SshHostConfig,
  expand: (file: string) => string,
  home: string,
): void {
  const [first, ...rest] = (found.userKnownHostsFiles ?? []).map(expand);
  if (next.knownHostsFile === undefined && first !== undefined) {
    next.knownHostsFile = first;
    if (rest.length > 0) next.additionalKnownHostsFiles = rest;
  }
  if (next.globalKnownHostsFiles === undefined && found.globalKnownHostsFiles) {
    next.globalKnownHostsFiles = found.globalKnownHostsFiles.map((file) => file.replace(/^~(?=\/|$)/, home));
  }
}
