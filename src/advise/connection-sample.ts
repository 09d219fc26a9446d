/**
 * A bounded sample of /proc/net/nf_conntrack, reduced to what the timeout advice needs. Pure.
 * Line format (net/netfilter/nf_conntrack_standalone.c, ct_seq_show):
 *   `ipv4     2 tcp      6 431999 ESTABLISHED src=… dst=… …` — L3 name and number, L4 name and number,
 * seconds left before the entry expires, then the TCP state (other protocols have no state word).
 */

export interface ConnectionSample {
  /** Entries read (the script stops at a bound). */
  entries: number;
  tcp: number;
  timeWait: number;
  established: number;
  /** ESTABLISHED entries idle for at least `idleSeconds` (seconds left ≤ established timeout − idleSeconds). */
  establishedIdle: number;
  idleSeconds: number;
}

export const defaultIdleSeconds = 3600;

/** Parses the sampled lines; `establishedTimeoutS` is the host's tcp_timeout_established (the idle test needs it). */
export function parseConnectionSample(
  lines: readonly string[],
  establishedTimeoutS: number | null,
  idleSeconds = defaultIdleSeconds,
): ConnectionSample {
  const sample: ConnectionSample = { entries: 0, tcp: 0, timeWait: 0, established: 0, establishedIdle: 0, idleSeconds };
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !/^\d+$/.test(fields[4] ?? '')) continue;
    sample.entries += 1;
    if (fields[2] !== 'tcp') continue;
    sample.tcp += 1;
    const state = fields[5];
    if (state === 'TIME_WAIT') sample.timeWait += 1;
    if (state !== 'ESTABLISHED') continue;
    sample.established += 1;
    const left = Number(fields[4]);
    if (establishedTimeoutS !== null && left <= establishedTimeoutS - idleSeconds) sample.establishedIdle += 1;
  }
  return sample;
}
