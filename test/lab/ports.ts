/** Free TCP ports on 127.0.0.1, found by binding, handed out one at a time to concurrent host startups. */
import net from 'node:net';

const highestPort = 65535;

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortAllocator {
  /** The next free port above every port handed out before; probes are serialized. */
  next(): Promise<number>;
}

export function createPortAllocator(basePort: number): PortAllocator {
  let candidate = basePort;
  let queue: Promise<unknown> = Promise.resolve();
  const findNext = async (): Promise<number> => {
    for (; candidate <= highestPort; candidate++) {
      if (await isPortFree(candidate)) return candidate++;
    }
    throw new Error(`no free TCP port on 127.0.0.1 between ${basePort} and ${highestPort}`);
  };
  return {
    next() {
      const result = queue.then(findNext);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
