/** A TCP listener on 127.0.0.1 that counts connections: proves a command contacted no host. */
import net from 'node:net';

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
