/**
 * An in-memory host behind the transport's Connection interface, for runner unit tests: every script sent is
 * recorded, and each reply comes from the test's script (by the kind of script: gather, apply, probe, journal).
 * The gather reply comes from the one gather fixture builder (test/facts/gather-fixture.ts).
 */
import { gatherDoneKind } from '../../src/facts/gather-frame.js';
import type { Playbook } from '../../src/playbook/types.js';
import { createConnectionPool, type ConnectionPool } from '../../src/runner/connection-pool.js';
import type { Connect, ExecResult, HeldCommand, Connection, HostTarget } from '../../src/transport/connection.js';
import { gatherFixture } from '../facts/gather-fixture.js';

export function target(name: string): HostTarget {
  return { name, address: '127.0.0.1', port: 22, user: 'root', become: false, becomeUser: 'root', vars: {} };
}

/** What a root gather prints on a host with nf_conntrack loaded, max 65536, tcp_timeout_established 432000. */
export function gatherStdout(token: string, tcpEstablishedSeconds = 432000): string {
  const g = gatherFixture(token);
  return g.output({
    identity: g.identity({ kernel: '6.1.0-18-cloud-amd64', uid: 0, cpus: 4, memTotalKb: 4014352 }),
    modules: g.block('lsmod', ['Module                  Size  Used by', 'nf_conntrack          188416  0'], { rc: 0 }),
    conntrack: g.presence({ listed: true, sysModule: true, initstate: true, builtinList: false }),
    knobs: [
      ...g.block('knobs', [
        '/proc/sys/net/netfilter/nf_conntrack_max\terw\t65536',
        '/proc/sys/net/nf_conntrack_max\terw\t65536',
        '/proc/sys/net/netfilter/nf_conntrack_buckets\terw\t16384',
        '/proc/sys/net/netfilter/nf_conntrack_count\ter\t17',
        '/sys/module/nf_conntrack/parameters/hashsize\terw\t16384',
      ]),
      ...g.block('values', [`/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established:${tcpEstablishedSeconds}`]),
    ],
    stats: g.block('stats', [
      'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart',
      '00000011  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000',
    ]),
    rules: g.block('rules iptables-save', [], { rc: 0 }),
    'kube-proxy': [g.value('kube_proxy', 0)],
  });
}

/** The gather reply of that host, in the record token of the script it answers. */
export function gatherReply(tcpEstablishedSeconds = 432000): (script: string) => Partial<ExecResult> {
  return (script) => ({ stdout: gatherStdout(tokenOf(script), tcpEstablishedSeconds) });
}

export type ScriptKind = 'gather' | 'apply' | 'probe' | 'journal' | 'other';

/** Which script the runner sent, told apart by markers each one carries. */
export function kindOfScript(script: string): ScriptKind {
  if (script === 'true') return 'probe';
  if (script.includes(`cf_rec ${gatherDoneKind}`)) return 'gather';
  if (script.includes('ctf_end "$ctf_failed"')) return 'apply';
  if (script.includes('cf_journal ')) return 'journal';
  return 'other';
}

/** A reply; a function gets the script sent, so it can answer in that script's record token. */
export type Reply = Partial<ExecResult> | Error | ((script: string) => Partial<ExecResult>);

/** The record token a script was sent with (`cf_tok=…`, remote/records.ts), or '' when it has none. */
export function tokenOf(script: string): string {
  return /cf_tok=([0-9a-f]{16})/.exec(script)?.[1] ?? '';
}

/** Lines in the one record format (`@@cf TOKEN KIND TEXT`) under the script's own token. */
function records(lines: string[]): (script: string) => Partial<ExecResult> {
  return (script) => ({ stdout: lines.map((line) => `@@cf ${tokenOf(script)} ${line}\n`).join('') });
}

export interface FakeHostScript {
  /** Replies per kind, used in order; the last one repeats. Default: exit 0 with no output. */
  replies?: Partial<Record<ScriptKind, Reply[]>>;
  /** The held lock command's first line: 'locked', 'busy OWNER', …. Default 'locked'. */
  lockLine?: string;
  /** The held lock command fails with this instead (e.g. the transport's timed-out RemoteError). */
  holdError?: Error;
}

export interface FakeHost {
  connection: Connection;
  /** Every script sent, by kind, in order. */
  sent: ScriptKind[];
  scripts: string[];
  closed: () => boolean;
  /** The held lock command was started and not yet released. */
  lockHeld: () => boolean;
}

export function fakeHost(t: HostTarget, script: FakeHostScript = {}): FakeHost {
  const sent: ScriptKind[] = [];
  const scripts: string[] = [];
  const used = new Map<ScriptKind, number>();
  let closed = false;
  let lockHeld = false;
  const connection: Connection = {
    target: t,
    async runScript(text) {
      const kind = kindOfScript(text);
      sent.push(kind);
      scripts.push(text);
      const list = script.replies?.[kind] ?? [];
      const index = used.get(kind) ?? 0;
      used.set(kind, index + 1);
      const reply = list[Math.min(index, list.length - 1)] ?? {};
      if (reply instanceof Error) throw reply;
      const answer = typeof reply === 'function' ? reply(text) : reply;
      return {
        stdout: '',
        stderr: '',
        exitCode: 0,
        signal: null,
        timedOut: false,
        durationMs: 0,
        ...answer,
      } as ExecResult;
    },
    async hold(text): Promise<HeldCommand> {
      if (script.holdError) throw script.holdError;
      lockHeld = true;
      const release = async () => void (lockHeld = false);
      return { firstLine: `@@cf ${tokenOf(text)} ${script.lockLine ?? 'locked'}`, release };
    },
    async close() {
      closed = true;
    },
    onLost: () => undefined,
  };
  return { connection, sent, scripts, closed: () => closed, lockHeld: () => lockHeld };
}

const position = { file: 'p.yaml', line: 1, col: 1 };
/** One set_timeouts step: tcp_timeout_established 432000 → 86400 (one knob change). */
export const timeoutsPlaybook: Playbook = {
  file: 'p.yaml',
  hosts: 'all',
  steps: [{ kind: 'set_timeouts', position, options: { timeouts: { tcp_timeout_established: 86400 } } }],
  serial: ['100%'],
  max_fail_percentage: 0,
  on_abort: 'rollback-batch',
};

/** apply / undo replies for that one change, in the apply script's records (changes/apply-output.ts). */
export const replies = {
  gathered: gatherReply(),
  applied: records(['applied 0', 'read 0 knob value 86400', 'end ok']),
  refused: records(['failed 0 13 Permission denied', 'read 0 knob value 432000', 'end failed']),
  // written without an error, yet the kernel shows another value (e.g. a second writer)
  misread: records(['applied 0', 'read 0 knob value 3600', 'end ok']),
  // killed at its time limit after the write, before the read-back (shell-session.ts's note on stderr)
  timedOut: (script: string): Partial<ExecResult> => ({
    ...records(['applied 0'])(script),
    exitCode: null,
    timedOut: true,
    stderr: '[conntrack-fleet: timed out after 120000 ms; sent KILL and closed the channel]',
  }),
  // the undo is judged by the read-back gather, not by its own output
  undone: records(['applied 0', 'read 0 knob value 432000', 'end ok']),
};

/** Measures how many hosts run a script at once: each wrapped connection's scripts take `delayMs` and are counted. */
export function concurrencyGauge(delayMs = 5): { wrap(connection: Connection): Connection; peak(): number } {
  let running = 0;
  let peak = 0;
  return {
    wrap: (connection) => ({
      ...connection,
      async runScript(text, options) {
        running += 1;
        peak = Math.max(peak, running);
        try {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return await connection.runScript(text, options);
        } finally {
          running -= 1;
        }
      },
    }),
    peak: () => peak,
  };
}

/** A connection pool over `connect` with short test limits (1 s connect, no keepalive, no new host keys). */
export function testPool(connect: Connect): ConnectionPool {
  return createConnectionPool(connect, {
    connectTimeoutMs: 1000,
    keepaliveIntervalMs: 0,
    keepaliveCountMax: 3,
    acceptNewHostKeys: false,
  });
}
