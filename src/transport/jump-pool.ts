/**
 * SSH connections to jump hosts, shared: every target behind the same chain of hops rides ONE connection
 * to the last hop (one `direct-tcpip` channel per target, RFC 4254 §7.2), as a ControlMaster would.
 * A hop connection lives while some lease holds it; the last release closes it, and its close releases
 * the hop before it, so closing a target's connection closes its whole chain once nobody else uses it.
 */
import type { Client, ClientChannel } from 'ssh2';
import { ConnectError, errorMessage } from '../errors.js';
import type { ConnectOptions } from './connection.js';
import type { JumpHost } from './proxy-jump.js';

/** Opens an SSH connection to one hop, over `sock` when it is reached through the hop before it. */
export type OpenHop = (hop: JumpHost, options: ConnectOptions, sock?: ClientChannel) => Promise<Client>;

export interface JumpLease {
  /** A ready connection to the last hop of the chain. */
  client: Client;
  /**
   * Idempotent; the connection closes when its last lease is released. Resolves once this hop and the
   * hops before it that nobody else uses have closed (at once when others still use it).
   */
  release(): Promise<void>;
}

export interface JumpPool {
  /** `hops` in connection order; rejects with the ConnectError of the hop that failed. */
  acquire(hops: readonly JumpHost[], options: ConnectOptions): Promise<JumpLease>;
  /** Hop connections open or opening now (for tests and diagnostics). */
  size(): number;
}

interface OpenHopConnection {
  client: Client;
  /** Resolves when this hop's connection and the chain it freed have closed. */
  chainClosed: Promise<void>;
}

interface Entry {
  refs: number;
  ready: Promise<OpenHopConnection>;
}

export function createJumpPool(openHop: OpenHop): JumpPool {
  const entries = new Map<string, Entry>();

  const forget = (key: string, entry: Entry) => {
    if (entries.get(key) === entry) entries.delete(key);
  };

  function entryFor(hops: readonly JumpHost[], options: ConnectOptions): [string, Entry] {
    const key = chainKey(hops);
    const existing = entries.get(key);
    if (existing) return [key, existing];
    const entry: Entry = { refs: 0, ready: connectLastHop(hops, options, () => forget(key, entry)) };
    entry.ready.catch(() => forget(key, entry));
    entries.set(key, entry);
    return [key, entry];
  }

  function acquire(hops: readonly JumpHost[], options: ConnectOptions): Promise<JumpLease> {
    const [key, entry] = entryFor(hops, options);
    entry.refs += 1;
    return entry.ready.then(
      (open) => ({ client: open.client, release: once(() => releaseEntry(key, entry, open)) }),
      (error: unknown) => {
        entry.refs -= 1;
        throw error;
      },
    );
  }

  function releaseEntry(key: string, entry: Entry, open: OpenHopConnection): Promise<void> {
    entry.refs -= 1;
    if (entry.refs > 0) return Promise.resolve();
    forget(key, entry);
    open.client.end();
    return open.chainClosed;
  }

  async function connectLastHop(
    hops: readonly JumpHost[],
    options: ConnectOptions,
    onClose: () => void,
  ): Promise<OpenHopConnection> {
    const hop = hops.at(-1) as JumpHost;
    const parent = hops.length > 1 ? await acquire(hops.slice(0, -1), options) : undefined;
    try {
      const sock = parent
        ? await forwardOut(parent.client, hop, options.connectTimeoutMs, `jump host ${hops.at(-2)?.name}`)
        : undefined;
      const client = await openHop(hop, options, sock);
      // a dropped hop is seen by its users as their own connection closing; here it only leaves the pool
      client.on('error', () => undefined);
      const chainClosed = new Promise<void>((resolve) => client.once('close', resolve)).then(() => {
        onClose();
        return parent?.release();
      });
      return { client, chainClosed };
    } catch (error) {
      void parent?.release();
      throw error;
    }
  }

  return { acquire, size: () => entries.size };
}

/**
 * A TCP stream to address:port opened BY the hop (`direct-tcpip`), the way `ssh -W` does; times out after
 * `timeoutMs` so a hop that never answers cannot hang the run.
 */
export function forwardOut(
  client: Client,
  to: { address: string; port: number },
  timeoutMs: number,
  via: string,
): Promise<ClientChannel> {
  const where = `${to.address}:${to.port}`;
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new ConnectError('timeout', `${via} did not open a connection to ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.forwardOut('127.0.0.1', 0, to.address, to.port, (error, channel) => {
      clearTimeout(timer);
      if (timedOut) return void channel?.close();
      if (!error) return resolve(channel);
      reject(
        new ConnectError('unreachable', `${via} could not connect to ${where}: ${errorMessage(error)}`, {
          cause: error,
        }),
      );
    });
  });
}

/** Who and where each hop is, plus the files that decide trust and credentials: same key, same connection. */
function chainKey(hops: readonly JumpHost[]): string {
  return JSON.stringify(
    hops.map((h) => [h.user, h.address, h.port, h.privateKeyFile ?? null, h.knownHostsFile ?? null]),
  );
}

function once(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= action());
}
