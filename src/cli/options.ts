/** Options shared by every command that talks to hosts, and their parsing into typed values. */
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { type ConnectOptions, defaultConnectOptions } from '../transport/connection.js';
import { escapeControl } from '../config/escape.js';
import { quoteShell } from '../transport/quote.js';
import { userNameProblem } from '../inventory/name-rules.js';

export interface HostOptionValues {
  /** Every -i, in order (files, directories or comma lists of hosts). */
  inventory: string[];
  limit?: string;
  forks: string;
  output?: string;
  knownHosts?: string;
  globalKnownHosts?: string[];
  acceptNewHostKeys?: boolean;
  connectTimeout: string;
  keepaliveInterval: string;
  maxHandshakes: string;
  user?: string;
  sshConfig?: string;
  /** -K: ask once for the sudo password (become.ts); CONNTRACK_FLEET_BECOME_PASSWORD wins. */
  askBecomePass?: boolean;
  /** `--shard I/N` (src/inventory/shard.ts). */
  shard?: string;
}

export const defaultForks = 20;
export const defaultMaxHandshakes = 10;

export function addHostOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '-i, --inventory <source>',
        'Ansible inventory: YAML or INI file, directory, or host1,host2, (repeatable)',
      )
        .makeOptionMandatory()
        .argParser(collect),
    )
    .option(
      '-l, --limit <pattern>',
      'Ansible host pattern to narrow the hosts (web*, a:b, a:!b, a:&b); @FILE reads hosts from a file',
    )
    .option('-f, --forks <n>', 'hosts worked on at once', String(defaultForks))
    .addOption(
      new Option('-o, --output <format>', 'tree (terminal default), plain (default elsewhere) or json').choices([
        'tree',
        'plain',
        'json',
      ]),
    )
    .option(
      '--known-hosts <file>',
      'user known_hosts file, read and added to; none: no user file (default: UserKnownHostsFile from the inventory or ssh config, else ~/.ssh/known_hosts and ~/.ssh/known_hosts2)',
    )
    .option(
      '--global-known-hosts <file>',
      'global known_hosts file, read only; repeatable (default: GlobalKnownHostsFile, else /etc/ssh/ssh_known_hosts and /etc/ssh/ssh_known_hosts2)',
      collect,
    )
    .option(
      '--accept-new-host-keys',
      'trust on first use: add keys of hosts that have none (a CHANGED key is always refused)',
    )
    .option(
      '--connect-timeout <ms>',
      'TCP connect + SSH handshake limit per host',
      String(defaultConnectOptions.connectTimeoutMs),
    )
    .option(
      '--keepalive-interval <ms>',
      'SSH keepalive interval, 0 = off (3 unanswered = connection lost)',
      String(defaultConnectOptions.keepaliveIntervalMs),
    )
    .option(
      '--max-handshakes <n>',
      'SSH handshakes in progress at once (separate from --forks)',
      String(defaultMaxHandshakes),
    )
    .option('-u, --user <name>', 'remote user for hosts without ansible_user (default: your local user name)')
    .option(
      '-K, --ask-become-pass',
      'ask once (no echo) for the sudo password of ansible_become hosts (or set CONNTRACK_FLEET_BECOME_PASSWORD)',
    )
    .option(
      '-F, --ssh-config <file>',
      'OpenSSH client config for HostName/Port/User/IdentityFile/UserKnownHostsFile (default ~/.ssh/config; "none" to skip)',
    )
    .option(
      '--shard <I/N>',
      'only slice I of N (1-based; index/N takes JOB_COMPLETION_INDEX + 1) of the selected hosts, by a hash of the host name (docs/scale.md)',
    );
}

/** `-q`: for cron and scripts, which mail or log whatever is printed. */
export const quietHelp =
  'print only the summary line and the hosts with a problem (errors), for cron; -o json is unchanged';

/** --quiet on the commands that print per-host output (run, rollback, and the read-only ones through addReadOptions). */
export function addQuietOption(command: Command): Command {
  return command.option('-q, --quiet', quietHelp);
}

/**
 * --quiet, refused beside -v (one asks for less, the other for more). `run` keeps its end line on stderr under -q:
 * it has the run id and the undo command.
 */
export function quietWith(values: { quiet?: boolean }, verbosity: number): boolean {
  if (values.quiet === true && verbosity > 0) throw new InputError('give -v or --quiet, not both');
  return values.quiet === true;
}

export interface ReadOptionValues extends HostOptionValues {
  quiet?: boolean;
  listHosts?: boolean;
}

/**
 * The block every read-only command (check, watch, advise) shares, declared after its own options: the host options,
 * --list-hosts (Ansible's: the selected hosts, no connection, exit 0) and --quiet.
 */
export function addReadOptions(command: Command): Command {
  addHostOptions(command).option('--list-hosts', 'print the hosts this command would read and exit 0; no connection');
  return addQuietOption(command);
}

/** Repeated -i options accumulate, as in Ansible. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The -i options as a user would type them again (for hints such as the rollback command). */
export function inventoryFlags(values: Pick<HostOptionValues, 'inventory'>): string {
  return values.inventory.map((source) => `-i ${quoteShell(source)}`).join(' ');
}

export function parseCount(text: string, flag: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new InputError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

/**
 * A known_hosts file named on the command line must exist: a typo would otherwise be an empty trust store. `none`
 * (any case) names no file, as UserKnownHostsFile/GlobalKnownHostsFile `none` in ssh_config(5).
 */
function existingFile(path: string, flag: string): string {
  if (path.toLowerCase() === 'none') return 'none';
  if (!existsSync(path)) throw new InputError(`${flag} ${path}: no such file`);
  return resolve(path);
}

/** Added keys go to stderr, control characters escaped, so stdout (JSON, the tree) stays the report alone. */
function printHostKeyAdded(notice: string): void {
  const safe = escapeControl(notice);
  process.stderr.write(`conntrack-fleet: ${safe}\n`);
}

export function connectOptionsFrom(values: HostOptionValues): ConnectOptions {
  const options: ConnectOptions = {
    connectTimeoutMs: parseCount(values.connectTimeout, '--connect-timeout'),
    keepaliveIntervalMs: parseCount(values.keepaliveInterval, '--keepalive-interval', 0),
    keepaliveCountMax: defaultConnectOptions.keepaliveCountMax,
    knownHostsFile: values.knownHosts ? existingFile(values.knownHosts, '--known-hosts') : undefined,
    acceptNewHostKeys: values.acceptNewHostKeys === true,
    onHostKeyAdded: printHostKeyAdded,
  };
  if (values.globalKnownHosts)
    options.globalKnownHostsFiles = values.globalKnownHosts.map((f) => existingFile(f, '--global-known-hosts'));
  return options;
}

/** -u, else the local user; both reach ssh, so both follow the inventory's user rule (src/inventory/name-rules.ts). */
export function defaultUser(values: HostOptionValues): string {
  const user = values.user ?? userInfo().username;
  const problem = userNameProblem(user);
  if (problem)
    throw new InputError(
      `${values.user === undefined ? 'the local user name' : '-u'} ${JSON.stringify(user)} is refused; expected ${problem}`,
    );
  return user;
}
