/** `check`'s fleet loop: read each host's conntrack state in one round trip; change nothing, take no lock. */
import { type CheckAlarmOptions, type CheckResult, withAlarms } from '../facts/check-result.js';
import { gatherFacts } from '../facts/gather.js';
import type { PeakRequest } from '../facts/peak.js';
import type { HostFacts } from '../facts/types.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { atStage, forEachHost, type HostDone } from './for-each-host.js';
import { stoppedHostOutcome } from './outcome.js';

export interface CheckHostsOptions {
  targets: HostTarget[];
  forks: number;
  /** Opens a host's connection (the CLI's connect, behind the --max-handshakes limiter); closed after the read. */
  open: (target: HostTarget) => Promise<Connection>;
  alarms: CheckAlarmOptions;
  /** Keep the host's peak file in the same round trip (facts/peak.ts), or only read it (--no-peak). */
  peak?: PeakRequest;
  isInterrupted: () => boolean;
  /** Told each host's result as soon as it is known, alarms filled in (display only). */
  onResult: (result: CheckResult) => void;
}

/** Every host's CheckResult, in target order. Never throws. */
export async function checkHosts(options: CheckHostsOptions): Promise<CheckResult[]> {
  // a host whose connection opened answered: a failed read is `failed`, not `unreachable` (readOutcome)
  const connected = new Set<string>();
  const results: CheckResult[] = [];
  const read = (target: HostTarget) => readHost(options, target, () => connected.add(target.name));
  await forEachHost(options.targets, options.forks, options.isInterrupted, read, (host) => {
    const result = withAlarms(checkResultOf(host, connected.has(host.target.name)), options.alarms);
    options.onResult(result);
    results.push(result);
  });
  const order = new Map(options.targets.map((t, i) => [t.name, i]));
  return results.sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0));
}

async function readHost(options: CheckHostsOptions, target: HostTarget, opened: () => void): Promise<HostFacts> {
  const connection = await atStage('unreachable', () => options.open(target));
  opened();
  try {
    return await atStage('gather', () =>
      gatherFacts(connection, { files: [], bootConfig: false, ...(options.peak && { peak: options.peak }) }),
    );
  } finally {
    await connection.close();
  }
}

function checkResultOf(host: HostDone<HostFacts>, connected: boolean): CheckResult {
  const name = host.target.name;
  if (host.ok) return { host: name, reachable: true, error: null, facts: host.value };
  // a host where nothing ran (a refused sudo: 'become') is unreachable, by run's own rule (outcome.ts): the text
  // and the JSON say the same
  const reachable = connected && stoppedHostOutcome(host.errorKind) !== 'unreachable';
  return { host: name, reachable, error: host.error, facts: null, errorKind: host.errorKind };
}
