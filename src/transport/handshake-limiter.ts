/** Caps SSH handshakes in progress at once, apart from how many hosts a run works on concurrently. */
import pLimit from 'p-limit';
import type { Connect } from './connection.js';

/** Key exchange is CPU-heavy and bursty; 10 keeps the event loop responsive while a fleet connects. */
export const defaultMaxConcurrentHandshakes = 10;

/** Returns a wrapper: the wrapped Connect starts at most `maxConcurrent` handshakes at a time. */
export function createHandshakeLimiter(
  maxConcurrent: number = defaultMaxConcurrentHandshakes,
): (connect: Connect) => Connect {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
  }
  const limit = pLimit(maxConcurrent);
  return (connect) => (target, options) => limit(() => connect(target, options));
}
