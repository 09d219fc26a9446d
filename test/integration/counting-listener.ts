/** A TCP listener on 127.0.0.1 that counts connections: proves a command contacted no host. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';

export interface CountingListener {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** The first free port from `base`; every connection is counted and hung up at once. */
export async function listenCounting(base: number): Promise<CountingListener> {
  for (let port = base; port < base + 100; port++) {
    let count = 0;
    const server = net.createServer((socket) => {
      count++;
      socket.destroy();
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
    });
    if (listening)
      return { port, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  throw new Error(`no free port in ${base}..${base + 99}`);
}

/** What a bad-input suite works with; filled in by its `before` hook. */
export interface NoContactSetup {
  /** A scratch directory, removed after the suite. */
  tmp: string;
  /** A real private key, so a host that slipped through would really be connected to. */
  keyFile: string;
  listener: CountingListener;
}

/**
 * The before/after hooks of a suite that proves bad input contacts no host: a scratch dir named `prefix…`, an
 * ed25519 key in it (ssh-keygen) and a counting listener from `portBase` for every inventory host to point at.
 */
export function useNoContactSetup(prefix: string, portBase: number): NoContactSetup {
  const setup = { tmp: '', keyFile: '' } as NoContactSetup;
  before(async () => {
    setup.tmp = await mkdtemp(path.join(os.tmpdir(), prefix));
    setup.listener = await listenCounting(portBase);
    setup.keyFile = path.join(setup.tmp, 'id_ed25519');
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', setup.keyFile]);
  });
  after(async () => {
    await setup.listener?.close();
    if (setup.tmp) await rm(setup.tmp, { recursive: true, force: true });
  });
  return setup;
}
