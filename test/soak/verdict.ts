/** The soak's pure parts: its flags, one cycle's sample, the table and the pass/fail verdict. */

export interface SoakOptions {
  hosts: number;
  cycles: number;
  forks: number;
  /** First lab port; labs of 25 hosts take 100 ports each from here (test/bench/lab-fleet.ts). */
  portBase: number;
}

export const defaultSoakOptions: SoakOptions = { hosts: 200, cycles: 20, forks: 50, portBase: 41000 };

const flags: Record<string, keyof SoakOptions> = {
  '--hosts': 'hosts',
  '--cycles': 'cycles',
  '-f': 'forks',
  '--forks': 'forks',
  '--port-base': 'portBase',
};

/** `--hosts N --cycles N -f N --port-base N` (each a positive integer); throws Error naming the flag otherwise. */
export function parseSoakArgs(args: string[]): SoakOptions {
  const options = { ...defaultSoakOptions };
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] ?? '';
    const key = flags[flag];
    if (!key) throw new Error(`unknown flag ${JSON.stringify(flag)} (expected --hosts, --cycles, -f, --port-base)`);
    const text = args[i + 1];
    const value = Number(text);
    if (text === undefined || !/^\d+$/.test(text) || value < 1)
      throw new Error(`${flag} needs a positive integer, got ${JSON.stringify(text ?? '')}`);
    options[key] = value;
  }
  return options;
}

/** What one tune/rollback cycle left behind, measured after both commands returned. */
export interface CycleSample {
  cycle: number;
  tuneMs: number;
  rollbackMs: number;
  tuneExit: number;
  rollbackExit: number;
  /** Hosts the tune reported `changed`, and the rollback `rolled-back` (JSON reports): every host, or the cycle proved nothing. */
  changed: number;
  rolledBack: number;
  /** Hosts whose /etc, knobs, timeouts or modules differ from before cycle 1 (rollout-lab.ts hostState). */
  hostsDiffering: number;
  /** ESTABLISHED TCP sockets on this machine with a lab port at either end (`ss -tn`). */
  tcpEstablished: number;
  /** Per-connection children (socat fork → sshd -i) of the labs' listeners still alive: open SSH sessions. */
  sshSessions: number;
  /** Controller (this process), after global.gc(). */
  rssBytes: number;
  heapUsedBytes: number;
  fds: number;
}

export interface Thresholds {
  /** Every cycle's fd count within baseline ± this. */
  fdSlack: number;
  /** heapUsed growth from cycle 2 to the last cycle below this. */
  heapGrowthBytes: number;
}

export const defaultThresholds: Thresholds = { fdSlack: 2, heapGrowthBytes: 10 * 2 ** 20 };

export interface Verdict {
  pass: boolean;
  /** One line per failed rule, empty when pass. */
  failures: string[];
  /** heapUsed(last) − heapUsed(cycle 2), null with fewer than 3 cycles (nothing to compare). */
  heapGrowthBytes: number | null;
}

/**
 * Pass when every cycle: both commands exit 0, the tune changed all `hosts` and the rollback restored them all, every host is back to its starting state, no ESTABLISHED TCP and no SSH
 * session is left, fds are within baseline ± fdSlack; and heapUsed grew less than heapGrowthBytes from cycle 2 to the
 * last (cycle 1 is warm-up: modules load, caches fill).
 */
export function soakVerdict(
  hosts: number,
  baselineFds: number,
  samples: CycleSample[],
  thresholds: Thresholds = defaultThresholds,
): Verdict {
  const failures: string[] = [];
  if (samples.length === 0) failures.push('no cycle ran');
  for (const s of samples) {
    const at = `cycle ${s.cycle}`;
    if (s.tuneExit !== 0) failures.push(`${at}: tune exited ${s.tuneExit}`);
    if (s.rollbackExit !== 0) failures.push(`${at}: rollback exited ${s.rollbackExit}`);
    if (s.changed !== hosts) failures.push(`${at}: tune changed ${s.changed} of ${hosts} hosts`);
    if (s.rolledBack !== hosts) failures.push(`${at}: rollback restored ${s.rolledBack} of ${hosts} hosts`);
    if (s.hostsDiffering > 0) failures.push(`${at}: ${s.hostsDiffering} host(s) not back to their starting state`);
    if (s.tcpEstablished > 0) failures.push(`${at}: ${s.tcpEstablished} ESTABLISHED TCP socket(s) to lab ports left`);
    if (s.sshSessions > 0) failures.push(`${at}: ${s.sshSessions} SSH session(s) still open on lab hosts`);
    if (Math.abs(s.fds - baselineFds) > thresholds.fdSlack)
      failures.push(`${at}: ${s.fds} fds, baseline ${baselineFds} ± ${thresholds.fdSlack}`);
  }
  const second = samples.find((s) => s.cycle === 2);
  const last = samples.at(-1);
  const heapGrowthBytes = second && last && last.cycle > 2 ? last.heapUsedBytes - second.heapUsedBytes : null;
  if (heapGrowthBytes !== null && heapGrowthBytes >= thresholds.heapGrowthBytes) {
    failures.push(
      `heapUsed grew ${mib(heapGrowthBytes)} from cycle 2 to ${last?.cycle} (limit ${mib(thresholds.heapGrowthBytes)})`,
    );
  }
  return { pass: failures.length === 0, failures, heapGrowthBytes };
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

const columns = [
  'cycle',
  'tune s',
  'rollback s',
  'exits',
  'changed/rolled back',
  'differing',
  'tcp',
  'ssh',
  'fds',
  'rss MiB',
  'heap MiB',
];

/** A Markdown table, one row per cycle (pasteable into docs/reliability.md). */
export function formatTable(samples: CycleSample[]): string {
  const rows = samples.map((s) => [
    String(s.cycle),
    (s.tuneMs / 1000).toFixed(1),
    (s.rollbackMs / 1000).toFixed(1),
    `${s.tuneExit}/${s.rollbackExit}`,
    `${s.changed}/${s.rolledBack}`,
    String(s.hostsDiffering),
    String(s.tcpEstablished),
    String(s.sshSessions),
    String(s.fds),
    (s.rssBytes / 2 ** 20).toFixed(1),
    (s.heapUsedBytes / 2 ** 20).toFixed(1),
  ]);
  return [columns, columns.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** `soak: PASS …` or `soak: FAIL …` with the rules that failed. */
export function formatVerdict(
  verdict: Verdict,
  baselineFds: number,
  thresholds: Thresholds = defaultThresholds,
): string {
  const growth = verdict.heapGrowthBytes === null ? 'n/a (< 3 cycles)' : mib(verdict.heapGrowthBytes);
  const rules = `fds baseline ${baselineFds} ± ${thresholds.fdSlack}, 0 TCP, 0 SSH sessions, heap growth cycle 2→last ${growth} (limit ${mib(thresholds.heapGrowthBytes)})`;
  return verdict.pass
    ? `soak: PASS — ${rules}`
    : `soak: FAIL — ${rules}\n${verdict.failures.map((f) => `  - ${f}`).join('\n')}`;
}
