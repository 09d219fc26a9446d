/**
 * The rows of the comparison benchmark: what each one runs against the lab fleet and which host state it needs.
 * Every row returns a Sample measured around its own process(es) only (time(1) or the floor's own clock).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatherScriptRow } from './compare-gather.js';
import { runTimed, type TimedResult } from './timed-command.js';

export const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const cliFile = path.join(repoDir, 'dist', 'cli', 'main.js');
const parallelSsh = path.join(repoDir, 'bench', 'parallel-ssh.sh');

export interface BenchContext {
  hosts: number;
  forks: number;
  /** Lines `PORT PRIVATE_KEY KNOWN_HOSTS`, one per lab host. */
  hostsFile: string;
  inventoryFile: string;
  playbookFile: string;
  tmp: string;
}

export interface Sample {
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  /** Busy CPU seconds of the whole machine while the row ran (machine-cpu.ts): lab hosts included; timed rounds only. */
  machineCpuS?: number;
  ok: boolean;
  /** One line: exit code and per-host outcomes, so a failed repetition shows in the table. */
  summary: string;
}

/** clean: the lab's initial state (hosts reset if a changing row ran); after-run: right after the `run` row. */
export type NeededState = 'any' | 'clean' | 'after-run';

export interface Tool {
  id: string;
  label: string;
  needs: NeededState;
  changesHosts: boolean;
  run(ctx: BenchContext): Promise<Sample>;
}

export { tunePlaybook } from '../fixtures/tune-playbook.js';

function sample(result: TimedResult, ok: boolean, summary: string): Sample {
  return { wallS: result.wallS, cpuS: result.cpuS, maxRssMb: result.maxRssMb, ok, summary };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
}

const ssh2Floor: Tool = {
  id: 'ssh2-floor',
  label: 'ssh2 floor: connect + true',
  needs: 'any',
  changesHosts: false,
  async run(ctx) {
    const result = await runTimed(
      process.execPath,
      ['--import', 'tsx', 'test/bench/ssh2-floor.ts', ctx.hostsFile, String(ctx.forks)],
      {
        cwd: repoDir,
      },
    );
    try {
      const floor = JSON.parse(result.stdout) as {
        wallS: number;
        cpuS: number;
        maxRssMb: number;
        failures: number;
        firstError: string | null;
      };
      return {
        ...floor,
        ok: floor.failures === 0,
        summary: floor.failures === 0 ? `${ctx.hosts} ok` : `${floor.failures} failed: ${floor.firstError}`,
      };
    } catch {
      return sample(result, false, `exit ${result.exitCode}: ${tail(result.stderr)}`);
    }
  },
};

function openSsh(id: string, label: string, command: () => Promise<string>, changesHosts: boolean): Tool {
  return {
    id,
    label,
    needs: changesHosts ? 'clean' : 'any',
    changesHosts,
    async run(ctx) {
      const input = await readFile(ctx.hostsFile, 'utf8');
      const result = await runTimed(parallelSsh, [String(ctx.forks), await command()], { input });
      return sample(
        result,
        result.exitCode === 0,
        result.exitCode === 0 ? `${ctx.hosts} ok` : `exit ${result.exitCode}: ${tail(result.stderr)}`,
      );
    },
  };
}

/** `run -o json`: `{ hosts: [{ host, outcome, error }] }`; `check -o json`: `[{ host, reachable, error }]`. Counts, then the first error. */
function outcomes(stdout: string): string {
  try {
    type Host = { host: string; outcome?: string; reachable?: boolean; error?: string | null };
    const parsed = JSON.parse(stdout) as { hosts?: Host[] } | Host[];
    const hosts = Array.isArray(parsed) ? parsed : (parsed.hosts ?? []);
    const word = (h: Host): string => h.outcome ?? (h.reachable ? 'read' : 'unreachable');
    const counts = new Map<string, number>();
    for (const host of hosts) counts.set(word(host), (counts.get(word(host)) ?? 0) + 1);
    const failed = hosts.find((h) => h.error && ['unreachable', 'failed'].includes(word(h)));
    const firstError = failed ? ` (${failed.host}: ${String(failed.error).slice(0, 200)})` : '';
    return [...counts].map(([w, n]) => `${n} ${w}`).join(', ') + firstError;
  } catch {
    return 'no JSON';
  }
}

function cli(
  id: string,
  label: string,
  needs: NeededState,
  changesHosts: boolean,
  args: (ctx: BenchContext) => string[],
  okWhen: (s: string) => boolean,
): Tool {
  return {
    id,
    label,
    needs,
    changesHosts,
    async run(ctx) {
      const common = ['-i', ctx.inventoryFile, '-o', 'json', '-f', String(ctx.forks), '-F', 'none'];
      const result = await runTimed(process.execPath, [cliFile, ...args(ctx), ...common], { cwd: ctx.tmp });
      const summary = outcomes(result.stdout);
      const ok = result.exitCode === 0 && okWhen(summary);
      return sample(result, ok, ok ? summary : `exit ${result.exitCode}: ${summary}; ${tail(result.stderr)}`);
    },
  };
}

const only = (word: string) => (summary: string) => new RegExp(`^\\d+ ${word}$`).test(summary);

const startup: Tool = {
  id: 'startup',
  label: 'CLI start-up (--version)',
  needs: 'any',
  changesHosts: false,
  async run() {
    const result = await runTimed(process.execPath, [cliFile, '--version']);
    return sample(result, result.exitCode === 0, result.stdout.trim());
  },
};

async function ansibleConfig(ctx: BenchContext, controlDir: string): Promise<string> {
  const file = path.join(ctx.tmp, 'ansible.cfg');
  await writeFile(
    file,
    [
      '[defaults]',
      `forks = ${ctx.forks}`,
      'host_key_checking = True',
      'gathering = explicit',
      'interpreter_python = /usr/bin/python3',
      'retry_files_enabled = False',
      `local_tmp = ${ctx.tmp}/ansible-local`,
      '[ssh_connection]',
      'pipelining = True',
      `control_path_dir = ${controlDir}`,
      // Ansible's default ssh_args plus the key exchange every other row uses (see bench/parallel-ssh.sh).
      'ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o GlobalKnownHostsFile=/dev/null -o KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org',
      '',
    ].join('\n'),
  );
  return file;
}

/** ControlPersist masters outlive ansible-playbook (they hold a session per host): close them, untimed. */
async function closeControlMasters(controlDir: string): Promise<void> {
  const sockets = await readdir(controlDir).catch(() => [] as string[]);
  await Promise.all(
    sockets.map((socket) => runTimed('ssh', ['-o', `ControlPath=${path.join(controlDir, socket)}`, '-O', 'exit', 'x'])),
  );
}

let ansibleRun = 0;
const ansible: Tool = {
  id: 'ansible',
  label: 'Ansible (ansible.posix.sysctl, pipelining)',
  needs: 'clean',
  changesHosts: true,
  async run(ctx) {
    const controlDir = path.join(ctx.tmp, `ansible-cp-${ansibleRun++}`);
    await mkdir(controlDir, { recursive: true });
    const env = { ...process.env, ANSIBLE_CONFIG: await ansibleConfig(ctx, controlDir), ANSIBLE_NOCOLOR: '1' };
    const book = path.join(repoDir, 'bench', 'ansible', 'tune.yml');
    const result = await runTimed('ansible-playbook', ['-i', ctx.inventoryFile, book], { env, cwd: ctx.tmp });
    await closeControlMasters(controlDir);
    const recap = /ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/g;
    const recaps = [...result.stdout.matchAll(recap)];
    const bad = recaps.filter((m) => m[2] !== '0' || m[3] !== '0').length;
    const changed = recaps.filter((m) => m[1] !== '0').length;
    const ok = result.exitCode === 0 && bad === 0 && recaps.length === ctx.hosts;
    return sample(
      result,
      ok,
      ok
        ? `${changed} changed, ${recaps.length - changed} ok`
        : `exit ${result.exitCode}, ${bad} hosts failed: ${tail(result.stdout)}`,
    );
  },
};

export function benchTools(options: { ansible: boolean }): Tool[] {
  const byHand = async () => readFile(path.join(repoDir, 'bench', 'tune-by-hand.sh'), 'utf8');
  return [
    ssh2Floor,
    openSsh('ssh-true', 'OpenSSH: ssh host true', async () => 'true', false),
    gatherScriptRow(parallelSsh),
    startup,
    cli('check', 'conntrack-fleet check', 'clean', false, () => ['check'], only('read')),
    cli(
      'run-check',
      'conntrack-fleet run --check',
      'clean',
      false,
      (ctx) => ['run', ctx.playbookFile, '--check'],
      () => true,
    ),
    cli(
      'run',
      'conntrack-fleet run (changes every host)',
      'clean',
      true,
      (ctx) => ['run', ctx.playbookFile],
      only('changed'),
    ),
    cli(
      'run-noop',
      'conntrack-fleet run (no-op, again)',
      'after-run',
      false,
      (ctx) => ['run', ctx.playbookFile],
      (s) => !/failed|unreachable/.test(s),
    ),
    openSsh('by-hand', 'OpenSSH script, one ssh per host', byHand, true),
    ...(options.ansible ? [ansible] : []),
  ];
}
