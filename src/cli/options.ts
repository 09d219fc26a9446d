/** Options shared by every command that talks to hosts, and their parsing into typed values. */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { type ConnectOptions, defaultConnectOptions } from '../transport/connection.js';

export interface HostOptionValues {
  /** Every -i, in order (files, directories or comma lists of hosts). */
  inventory: string[];
  limit?: string;
  forks: string;
  output?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  connectTimeout: string;
  keepaliveInterval: string;
  maxHandshakes: string;
  user?: string;
  sshConfig?: string;
}

export const defaultForks = 20;
export const defaultMaxHandshakes = 10;

export function addHostOptions(command: Command): Command {
  return command
    .addOption(new Option('-i, --inventory <source>', 'Ansible inventory: YAML or INI file, directory, or host1,host2, (repeatable)').makeOptionMandatory().argParser(collect))
    .option('-l, --limit <pattern>', 'Ansible host pattern to narrow the hosts (web*, a:b, a:!b, a:&b); @FILE reads hosts from a file')
    .option('-f, --forks <n>', 'hosts worked on at once', String(defaultForks))
    .addOption(new Option('-o, --output <format>', 'tree (terminal default), plain (default elsewhere) or json').choices(['tree', 'plain', 'json']))
    .option('--known-hosts <file>', 'known_hosts file (default: UserKnownHostsFile from the inventory, else ~/.ssh/known_hosts)')
    .option('--accept-new-host-keys', 'trust on first use: add keys of hosts that have none (a CHANGED key is always refused)')
    .option('--connect-timeout <ms>', 'TCP connect + SSH handshake limit per host', String(defaultConnectOptions.connectTimeoutMs))
    .option('--keepalive-interval <ms>', 'SSH keepalive interval, 0 = off (3 unanswered = connection lost)', String(defaultConnectOptions.keepaliveIntervalMs))
    .option('--max-handshakes <n>', 'SSH handshakes in progress at once (separate from --forks)', String(defaultMaxHandshakes))
    .option('-u, --user <name>', 'remote user for hosts without ansible_user (default: your local user name)')
    .option('-F, --ssh-config <file>', 'OpenSSH client config for HostName/Port/User/IdentityFile/UserKnownHostsFile (default ~/.ssh/config; "none" to skip)');
}

/** Repeated -i options accumulate, as in Ansible. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The -i options as a user would type them again (for hints such as the rollback command). */
export function inventoryFlags(values: Pick<HostOptionValues, 'inventory'>): string {
  return values.inventory.map((source) => `-i ${source}`).join(' ');
}

export function parseCount(text: string, flag: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new InputError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

export function connectOptionsFrom(values: HostOptionValues): ConnectOptions {
  return {
    connectTimeoutMs: parseCount(values.connectTimeout, '--connect-timeout'),
    keepaliveIntervalMs: parseCount(values.keepaliveInterval, '--keepalive-interval', 0),
    keepaliveCountMax: defaultConnectOptions.keepaliveCountMax,
    knownHostsFile: values.knownHosts ? resolve(values.knownHosts) : undefined,
    acceptNewHostKeys: values.acceptNewHostKeys === true,
  };
}

export function defaultUser(values: HostOptionValues): string {
  return values.user ?? userInfo().username;
}
