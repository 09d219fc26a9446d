/**
 * The two indirect ways to a target (ssh_config(5) ProxyJump, ProxyCommand): the target's handshake runs over
 * a channel its last jump host opened, or over a ProxyCommand's stdio. Either way the target's own host key
 * and credential rules apply, and closing the target's connection releases what it rode on.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { ConnectError, errorMessage } from '../errors.js';
import type { ConnectOptions, Connection, HostTarget } from './connection.js';
import { forwardOut, type JumpPool } from './jump-pool.js';
import { expandProxyCommand, startProxyCommand } from './proxy-command.js';
import type { JumpHost, Route } from './proxy-jump.js';
import { createSshConnection } from './ssh-connection.js';

/** A target or a jump host: what one SSH handshake needs to know about the other end. */
export type Endpoint = Pick<
  HostTarget,
  | 'name'
  | 'address'
  | 'port'
  | 'user'
  | 'privateKeyFile'
  | 'knownHostsFile'
  | 'additionalKnownHostsFiles'
  | 'globalKnownHostsFiles'
  | 'route'
>;

/** One verified, authenticated SSH handshake with `endpoint`, over `sock` when given (else TCP). */
export type OpenClient = (endpoint: Endpoint, options: ConnectOptions, sock?: Duplex) => Promise<Client>;

export async function connectViaJumps(
  target: HostTarget,
  hops: readonly JumpHost[],
  options: ConnectOptions,
  jumps: JumpPool,
  open: OpenClient,
): Promise<Connection> {
  const lease = await jumps.acquire(hops, options).catch((error: unknown) => {
    throw asTargetError(target, error);
  });
  try {
    const lastHop = `jump host ${hops.at(-1)?.name}`;
    const sock = await forwardOut(lease.client, target, options.connectTimeoutMs, lastHop).catch((error: unknown) => {
      throw asTargetError(target, error);
    });
    return createSshConnection(await open(target, options, sock), target, lease.release);
  } catch (error) {
    void lease.release();
    throw error;
  }
}

export async function connectViaCommand(
  target: HostTarget,
  route: Extract<Route, { kind: 'command' }>,
  options: ConnectOptions,
  open: OpenClient,
): Promise<Connection> {
  const tokens = { host: target.address, port: target.port, user: target.user, alias: route.alias || target.address };
  const expanded = expandProxyCommand(route.command, tokens);
  if ('error' in expanded) throw new ConnectError('unreachable', `${target.name}: ${expanded.error} (${route.source})`);
  const proxy = startProxyCommand(expanded.command);
  try {
    return createSshConnection(await open(target, options, proxy.sock), target, () => proxy.stop());
  } catch (error) {
    await proxy.stop();
    const said = proxy.stderrTail();
    if (!(error instanceof ConnectError) || said === '') throw error;
    throw new ConnectError(error.failure, `${error.message}; ProxyCommand (${route.source}) said: ${said}`, {
      cause: error,
    });
  }
}

/** A hop's failure, told as the target's: same kind, the target's name first. */
function asTargetError(target: HostTarget, error: unknown): ConnectError {
  const failure = error instanceof ConnectError ? error.failure : 'unreachable';
  return new ConnectError(failure, `${target.name}: ${errorMessage(error)}`, { cause: error });
}
