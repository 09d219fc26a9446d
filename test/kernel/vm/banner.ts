/** Waits for the guest's sshd banner: slirp accepts TCP at once, even while the guest still boots. */
import { connect } from 'node:net';

/** Resolves true when `SSH-2.0-` arrives on one connection within attemptMs. */
export function readSshBanner(port: number, attemptMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), attemptMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('SSH-2.0-')) finish(true);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(received.includes('SSH-2.0-')));
  });
}

export interface WaitOptions {
  timeoutMs: number;
  /** Checked between attempts: a reason to stop waiting (QEMU exited, kernel panic), or null. */
  abortReason: () => string | null;
}

export async function waitForSshBanner(port: number, options: WaitOptions): Promise<void> {
  const deadlineMs = Date.now() + options.timeoutMs;
  while (Date.now() < deadlineMs) {
    const reason = options.abortReason();
    if (reason) throw new Error(`gave up waiting for sshd on port ${port}: ${reason}`);
    if (await readSshBanner(port, 3000)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no SSH banner on 127.0.0.1:${port} within ${options.timeoutMs} ms`);
}
