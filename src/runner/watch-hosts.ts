/**
 * `watch`'s fleet loop: one SSH connection per host, kept open; every interval one round trip re-reads count, max and
 * the statistics with shell builtins (facts/sample-script.ts), answered in records of a token fresh per sample.
 * No lock and no setting changed; the only thing written is the host's peak file (facts/peak-watch.ts), nothing
 * without `keepPeak`.
 */
import { setMaxListeners } from 'node:events';
import { errorKindOf, errorMessage, HostFailure, type HostErrorKind } from '../errors.js';
import { afterPeakSample, initialPeakWatchState, nextPeakRequest, peakSampleScript } from '../facts/peak-watch.js';
import type { TimedSample } from '../facts/sample-rates.js';
import type { PeakRequest } from '../facts/peak.js';
import { buildSampleScript, parseSample } from '../facts/sample-script.js';
import { newRecordToken } from '../remote/records.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { forEachHost } from './for-each-host.js';

// a sample is a handful of builtins: one that takes longer than this is a host in trouble, shown as not answering
const minSampleTimeoutMs = 2_000;

export interface HostLoopOptions {
  /** Opens a host's connection (the CLI's connect, behind the --max-handshakes limiter); kept until the end. */
  open: (target: HostTarget) => Promise<Connection>;
  intervalMs: number;
  /** Samples per host (POSITIVE_INFINITY: until `signal`). */
  samples: number;
  signal: AbortSignal;
  /** Default max(2 s, interval). */
  sampleTimeoutMs?: number;
  /** Told every sample (or why there is none) as soon as it is known: display only, must not throw. */
  record(sample: TimedSample): void;
  /** Keep the host's peak file (facts/peak-watch.ts); off with --no-peak. */
  keepPeak?: boolean;
}

/** `errorKind` says why there is no sample, as the other commands' JSON does (errors.ts HostErrorKind). */
type Answer = { sample: ReturnType<typeof parseSample>; error: string | null; errorKind: HostErrorKind | null };

const noAnswer = Symbol('no answer');

/** The promise's value, or `noAnswer` after `ms` (the promise is left to settle on its own). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof noAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof noAnswer>((resolve) => {
    timer = setTimeout(() => resolve(noAnswer), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

async function sampleOnce(connection: Connection, timeoutMs: number, peak: PeakRequest | null): Promise<Answer> {
  // a fresh record token per sample: nothing the host printed in an earlier answer can pass for a record of this one
  const token = newRecordToken();
  const script = peak ? peakSampleScript(peak, token) : buildSampleScript(token);
  // runScript's own timeout starts once the channel is open; a host gone silent may never open it (until keepalive
  // gives up, 45 s by default), so the whole round trip has a deadline too
  const result = await withDeadline(connection.runScript(script, { timeoutMs }), timeoutMs + 500);
  if (result === noAnswer) throw new HostFailure('timeout', `no answer within ${timeoutMs} ms (channel not opened)`);
  const sample = result.exitCode === 0 ? parseSample(result.stdout, token) : null;
  if (sample) return { sample, error: null, errorKind: null };
  const said = result.stderr.trim().split('\n').at(-1) ?? '';
  return {
    sample: null,
    errorKind: result.exitCode === null ? 'timeout' : 'remote-command',
    error:
      result.exitCode === null
        ? `no answer within ${timeoutMs} ms`
        : `sample failed (exit ${result.exitCode})${said ? `: ${said}` : ''}`,
  };
}

/**
 * Samples one host until `samples` are taken or `signal` aborts; never throws: a failed connect or sample is
 * recorded with its reason, the connection dropped, and the host reconnected at the next interval.
 */
export async function watchHost(target: HostTarget, options: HostLoopOptions): Promise<void> {
  const { intervalMs, signal } = options;
  const timeoutMs = options.sampleTimeoutMs ?? Math.max(minSampleTimeoutMs, intervalMs);
  let connection: Connection | null = null;
  let peak = initialPeakWatchState;
  for (let n = 0; n < options.samples && !signal.aborted; n += 1) {
    const startedMs = Date.now();
    const peakRequest = options.keepPeak ? nextPeakRequest(peak, Math.floor(startedMs / 1000)) : null;
    let answer: Answer;
    try {
      if (!connection) {
        const opened: Connection = await options.open(target);
        opened.onLost(() => {
          if (connection === opened) connection = null;
        });
        connection = opened;
      }
      answer = await sampleOnce(connection, timeoutMs, peakRequest);
    } catch (error) {
      answer = { sample: null, error: errorMessage(error), errorKind: errorKindOf(error, 'remote-command') };
      const broken = connection;
      connection = null;
      void broken?.close();
    }
    if (signal.aborted) break;
    if (options.keepPeak)
      peak = afterPeakSample(peak, answer.sample, Math.floor(Date.now() / 1000), peakRequest !== null);
    options.record({ host: target.name, atMs: Date.now(), ...answer });
    if (n + 1 < options.samples) await sleep(intervalMs - (Date.now() - startedMs), signal);
  }
  await (connection as Connection | null)?.close();
}

/**
 * Watches every target at once through forEachHost, until each took `samples` or `signal` aborts. Every host at
 * once, not `--forks`: a host's loop lasts the whole watch, so a host beyond the forks would never be watched;
 * connects are still bounded by the --max-handshakes limiter inside `open`. A host whose turn comes after the abort
 * is not started (nothing recorded). On abort this resolves at once: a sample in flight may take up to its timeout,
 * and the exit does not wait for it.
 */
export async function watchHosts(targets: readonly HostTarget[], options: HostLoopOptions): Promise<void> {
  const { signal } = options;
  // every host's sleep listens to the one stop signal
  setMaxListeners(0, signal);
  const loops = forEachHost(
    targets,
    targets.length,
    () => signal.aborted,
    (target) => watchHost(target, options),
  );
  const aborted = new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', resolve, { once: true });
  });
  await Promise.race([loops, aborted]);
}
