/** From flags to hosts and connections: shared by check, run, rollback and runs. Everything here runs before any host is contacted. */
import type { SourcePosition } from '../errors.js';
import {
  expandLimit,
  loadInventory,
  limitHosts,
  requireKeyFiles,
  selectHosts,
  toHostTarget,
} from '../inventory/index.js';
import { parseShard, selectShard } from '../inventory/shard.js';
import type { Inventory, InventoryHost } from '../inventory/index.js';
import { chooseFormat, useColor, type ReportFormat } from '../report/format.js';
import { type ConnectionPool, createConnectionPool } from '../runner/connection-pool.js';
import type { Connect, ConnectOptions, HostTarget } from '../transport/connection.js';
import { runBecomePassword, withBecomePassword } from '../transport/become-password.js';
import { createHandshakeLimiter } from '../transport/handshake-limiter.js';
import { terminalPrompt } from '../transport/passphrase.js';
import { connectSsh } from '../transport/ssh-connect.js';
import { withSshConfig } from './ssh-config-file.js';
import { connectOptionsFrom, defaultUser, type HostOptionValues, parseCount } from './options.js';

export interface HostSelection {
  inventory: Inventory;
  targets: HostTarget[];
  forks: number;
  connectOptions: ConnectOptions;
  connect: Connect;
  format: ReportFormat;
  color: boolean;
}

/** Loads and validates everything; throws InputError (exit 2) before any connection. */
export function selectTargets(
  values: HostOptionValues,
  pattern = 'all',
  patternSource?: SourcePosition,
): HostSelection {
  const forks = parseCount(values.forks, '--forks');
  const maxHandshakes = parseCount(values.maxHandshakes, '--max-handshakes');
  const connectOptions = connectOptionsFrom(values);
  const inventory = loadInventory(values.inventory);
  let hosts: InventoryHost[] = selectHosts(inventory, pattern, patternSource);
  if (values.limit !== undefined) {
    const sources = new Map<string, SourcePosition>();
    hosts = limitHosts(hosts, inventory, expandLimit(values.limit, undefined, sources), sources);
  }
  if (values.shard !== undefined) hosts = selectShard(hosts, parseShard(values.shard));
  const user = defaultUser(values);
  const inventoryTargets = hosts.map((h) => toHostTarget(h, { user }));
  requireKeyFiles(hosts, inventoryTargets);
  const configured = withSshConfig(inventoryTargets, values.sshConfig, values.user !== undefined);
  const becomeSources = { env: process.env, ask: values.askBecomePass === true, prompt: terminalPrompt() };
  const targets = withBecomePassword(configured, runBecomePassword(becomeSources));
  const isTTY = process.stdout.isTTY === true;
  return {
    inventory,
    targets,
    forks,
    connectOptions,
    connect: createHandshakeLimiter(maxHandshakes)(connectSsh),
    format: chooseFormat(values.output, isTTY),
    color: useColor(isTTY, process.env),
  };
}

export function createPool(selection: HostSelection): ConnectionPool {
  return createConnectionPool(selection.connect, selection.connectOptions);
}
