/** Turns what ssh2 reports during connect into one ConnectError with a message a person can act on (pure). */
import { ConnectError, errorMessage } from '../errors.js';
import type { HostTarget } from './connection.js';

export interface ConnectAttempt {
  target: Pick<HostTarget, 'name' | 'address' | 'port' | 'user'>;
  connectTimeoutMs: number;
  /** Labels of the auth methods ssh2 was given, in order. */
  authMethods: readonly string[];
  /** Why some credentials were left out. */
  authNotes: readonly string[];
  /** Set when our host key verifier refused the key. */
  hostKeyRefusal: ConnectError | null;
}

type Ssh2Error = Error & { level?: string; code?: string | number };

const socketReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  EHOSTUNREACH: 'host unreachable (no route to host)',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'TCP connect timed out',
  ECONNRESET: 'connection reset by the host',
  ENOTFOUND: 'DNS lookup failed (name not found)',
  EAI_AGAIN: 'DNS lookup failed (temporary failure, try again)',
  EPIPE: 'connection closed by the host',
};

export function classifyConnectError(error: unknown, attempt: ConnectAttempt): ConnectError {
  const refusal = attempt.hostKeyRefusal;
  if (refusal) return new ConnectError(refusal.failure, refusal.message, { cause: refusal.cause ?? error });
  if (error instanceof ConnectError) return error;
  const { name, address, port, user } = attempt.target;
  const where = `${name} (${address}:${port})`;
  const e = error as Ssh2Error;
  if (e?.level === 'client-authentication') {
    const tried = attempt.authMethods.join(', ') || 'none';
    const notes = attempt.authNotes.length > 0 ? `; also: ${attempt.authNotes.join('; ')}` : '';
    return new ConnectError('auth', `${where}: authentication as ${user} failed; tried ${tried}${notes}`, {
      cause: error,
    });
  }
  if (e?.level === 'client-timeout') {
    const message = `${where}: connect timed out after ${attempt.connectTimeoutMs} ms (TCP connect + SSH handshake)`;
    return new ConnectError('timeout', message, { cause: error });
  }
  const reason = (typeof e?.code === 'string' && socketReasons[e.code]) || errorMessage(error);
  // the kernel gave up on the TCP connect (SYN retries, tcp(7)): as OpenSSH's "Connection timed out"
  const failure = e?.code === 'ETIMEDOUT' ? 'timeout' : 'unreachable';
  return new ConnectError(failure, `${where}: ${reason}`, { cause: error });
}
