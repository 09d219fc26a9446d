/**
 * One SSH connection per host for the whole run: opened on first use, reopened only if lost, closed at the end (or
 * as soon as the run is done with that host: `release`).
 * The pool also knows which hosts have a remote script running, so a second interrupt can stop new scripts
 * and wait for the ones in flight: the controller never exits while a remote write is half-done.
 */
import type { Connect, ConnectOptions, Connection, HostTarget } from '../transport/connection.js';

export interface ConnectionPool {
  /** The host's open connection (opening it if needed); rejects with the ConnectError. */
  get(target: HostTarget): Promise<Connection>;
  /** A fresh connection after the previous one was lost. */
  reopen(target: HostTarget): Promise<Connection>;
  /**
   * Closes the host's connection and forgets it, when the run is done with that host: an open ssh2 connection costs
   * memory (~70 KB native plus its JS state) for as long as it lives. A later get() would open a new one. Never rejects.
   */
  release(target: HostTarget): Promise<void>;
  closeAll(): Promise<void>;
  /** Hosts with a remote script running now, one entry per script. */
  busyHosts(): string[];
  /** From now on no new script or held command starts (they reject); resolves once none is in flight. */
  drain(): Promise<void>;
}

interface Tracker {
  draining: boolean;
  running: string[];
  idle: (() => void)[];
}

function tracked(connection: Connection, tracker: Tracker, connectMs: number): Connection {
  const name = connection.target.name;
  const refuse = () => new Error(`${name}: stopping: no new remote script is started`);
  return {
    target: connection.target,
    connectMs,
    async runScript(script, options) {
      if (tracker.draining) throw refuse();
      tracker.running.push(name);
      try {
        return await connection.runScript(script, options);
      } finally {
        tracker.running.splice(tracker.running.indexOf(name), 1);
        if (tracker.running.length === 0) for (const wake of tracker.idle.splice(0)) wake();
      }
    },
    async hold(script, options) {
      if (tracker.draining) throw refuse();
      return connection.hold(script, options);
    },
    close: () => connection.close(),
    onLost: (listener) => connection.onLost(listener),
  };
}

export function createConnectionPool(connect: Connect, options: ConnectOptions): ConnectionPool {
  const open = new Map<string, Promise<Connection>>();
  const lost = new Set<string>();
  const tracker: Tracker = { draining: false, running: [], idle: [] };

  function start(target: HostTarget): Promise<Connection> {
    lost.delete(target.name);
    const startedMs = performance.now();
    const pending = connect(target, options).then((connection) => {
      connection.onLost(() => lost.add(target.name));
      return tracked(connection, tracker, Math.round(performance.now() - startedMs));
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
    async release(target) {
      const existing = open.get(target.name);
      open.delete(target.name);
      lost.delete(target.name);
      if (existing) await existing.then((c) => c.close()).catch(() => undefined);
    },
    async closeAll() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
    },
    busyHosts: () => [...tracker.running],
    drain() {
      tracker.draining = true;
      if (tracker.running.length === 0) return Promise.resolve();
      return new Promise((resolve) => tracker.idle.push(resolve));
    },
  };
}
