/** One SSH connection per host for the whole run: opened on first use, reopened only if lost, closed at the end. */
import type { Connect, ConnectOptions, Connection, HostTarget } from '../transport/connection.js';

export interface ConnectionPool {
  /** The host's open connection (opening it if needed); rejects with the ConnectError. */
  get(target: HostTarget): Promise<Connection>;
  /** A fresh connection after the previous one was lost. */
  reopen(target: HostTarget): Promise<Connection>;
  closeAll(): Promise<void>;
}

export function createConnectionPool(connect: Connect, options: ConnectOptions): ConnectionPool {
  const open = new Map<string, Promise<Connection>>();
  const lost = new Set<string>();

  function start(target: HostTarget): Promise<Connection> {
    lost.delete(target.name);
    const pending = connect(target, options).then((connection) => {
      connection.onLost(() => lost.add(target.name));
      return connection;
    });
    // a failed connect is not cached, so a later reopen can try again
    pending.catch(() => open.delete(target.name));
    open.set(target.name, pending);
    return pending;
  }

  return {
    get(target) {
      const existing = open.get(target.name);
      return existing && !lost.has(target.name) ? existing : start(target);
    },
    async reopen(target) {
      const existing = open.get(target.name);
      if (existing) await existing.then((c) => c.close()).catch(() => undefined);
      return start(target);
    },
    async closeAll() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
    },
  };
}
