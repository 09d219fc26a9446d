/**
 * `advise`'s fleet loop: each host read in one round trip (advise/advise-gather.ts) on its own connection, closed
 * after the read, and advised by the pure rules of advise/advise-host.ts. Read-only on the hosts; takes no lock.
 */
import { gatherForAdvice } from '../advise/advise-gather.js';
import { type AdviseOptions, adviseHost, type HostAdvice } from '../advise/advise-host.js';
import type { HostErrorKind } from '../errors.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { atStage, forEachHost, type HostDone } from './for-each-host.js';
import { stoppedHostOutcome } from './outcome.js';

/** One host's advice, or why there is none (report/advise-render.ts displays it). */
export interface AdviseResult {
  host: string;
  /** False when no connection opened (or the host was not started after an interrupt). */
  reachable: boolean;
  /** Why the host could not be read, else null. */
  error: string | null;
  /** Why there is no advice, as check says it (errors.ts HostErrorKind: 'unreachable', 'gather', …); absent when advised. */
  errorKind?: HostErrorKind;
  advice: HostAdvice | null;
}

export interface AdviseHostsOptions {
  targets: HostTarget[];
  forks: number;
  /** Opens a host's connection (the CLI's connect, behind the --max-handshakes limiter); closed after the read. */
  open: (target: HostTarget) => Promise<Connection>;
  advise: AdviseOptions;
  isInterrupted: () => boolean;
}

/** Every host's AdviseResult, in target order. Never throws. */
export async function adviseHosts(options: AdviseHostsOptions): Promise<AdviseResult[]> {
  // a host whose connection opened answered: a failed read is "not read", not "unreachable"
  const connected = new Set<string>();
  const read = async (target: HostTarget): Promise<HostAdvice> => {
    const connection = await atStage('unreachable', () => options.open(target));
    connected.add(target.name);
    try {
      const { facts, sample } = await atStage('gather', () => gatherForAdvice(connection));
      return adviseHost(facts, sample, options.advise);
    } finally {
      await connection.close();
    }
  };
  const done = await forEachHost(options.targets, options.forks, options.isInterrupted, read);
  return done.map((host) => resultOf(host, connected.has(host.target.name)));
}

function resultOf(host: HostDone<HostAdvice>, connected: boolean): AdviseResult {
  const name = host.target.name;
  if (host.ok) return { host: name, reachable: true, error: null, advice: host.value };
  // check's rule (check-hosts.ts): a host where nothing ran (a refused sudo) is unreachable though it connected
  const reachable = connected && stoppedHostOutcome(host.errorKind) !== 'unreachable';
  return { host: name, reachable, error: host.error, errorKind: host.errorKind, advice: null };
}
