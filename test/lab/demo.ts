/**
 * `npm run demo [-- --hosts N] [--port-base P] [--lab-dir DIR]`: the whole story on lab hosts, with every real
 * command printed before it runs — the symptom (`check` flags hosts whose table is nearly full and drops packets),
 * the fix (a canary `run` of playbooks/tune.yaml), the proof (`check` again: healthy) and the undo (`rollback
 * --last`). The lab always goes down at the end, also on failure or Ctrl-C. Exit 0 when every command did what the
 * story expects, 1 when one did not, 1 without the lab's prerequisites (the message says what to install), 130 on
 * Ctrl-C, 2 on a bad flag.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labSkipReason, startLab, type Lab } from './lab.js';
import {
  buildIsStale,
  clearDropCounters,
  makeTableFull,
  runBuild,
  runShown,
  shellLine,
  type CommandEnd,
} from './demo-steps.js';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const usage =
  'usage: npm run demo [-- --hosts N (default 4, min 3)] [--port-base PORT (default: a free range from 40000-49999)] [--lab-dir DIR]';
/** Hosts made sick: lab1 is also the canary (tuned first, alone), lab3 is fixed in a later batch; lab2 stays healthy. */
const sickHosts = ['lab1', 'lab3'];
const sickUsagePercent = 95;
const sickDrops = 1500;

interface DemoOptions {
  hosts: number;
  portBase: number;
  labDir: string | null;
}

function parseArgs(args: string[]): DemoOptions | 'help' | null {
  const options: DemoOptions = { hosts: 4, portBase: 40000 + Math.floor(Math.random() * 9000), labDir: null };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const value = args[++i];
    if (value === undefined) return null;
    if (arg === '--hosts') options.hosts = Number(value);
    else if (arg === '--port-base') options.portBase = Number(value);
    else if (arg === '--lab-dir') options.labDir = path.resolve(value);
    else return null;
  }
  const portOk = Number.isInteger(options.portBase) && options.portBase > 1024 && options.portBase < 65000;
  return Number.isInteger(options.hosts) && options.hosts >= 3 && portOk ? options : null;
}

const bold = process.stdout.isTTY === true && !process.env['NO_COLOR'];
/** One line (or two) saying what comes next, set apart from the CLI's own output. */
const say = (text: string): void => console.log(bold ? `\n\x1b[1m==> ${text}\x1b[0m` : `\n==> ${text}`);

let current: ChildProcess | null = null;
let interrupted = false;

/** One CLI command: the line a reader would type, then the command; throws unless it exits with `expectedExit`. */
async function cli(what: string, args: string[], expectedExit: number, why = ''): Promise<void> {
  say(`${what}\n    $ ${shellLine(['node', 'dist/cli/main.js', ...args])}`);
  const end: CommandEnd = await runShown(
    process.execPath,
    [path.join('dist', 'cli', 'main.js'), ...args],
    repoDir,
    (child) => (current = child),
  );
  if (interrupted) throw new Error('interrupted');
  if (end.exitCode !== expectedExit) {
    throw new Error(`expected exit ${expectedExit} from \`${args[0]}\`, got ${end.exitCode ?? end.signal}`);
  }
  console.log(`    (exit ${end.exitCode}${why ? `: ${why}` : ''})`);
}

async function story(lab: Lab): Promise<void> {
  const inventory = path.relative(repoDir, lab.inventoryFile).startsWith('..')
    ? lab.inventoryFile
    : path.relative(repoDir, lab.inventoryFile);
  const counts = new Map<string, number>();
  say(
    `Symptom: ${sickHosts.join(' and ')} get a table ${sickUsagePercent}% full and ${sickDrops} dropped packets (the lab's stand-ins for /proc/sys/net/netfilter/nf_conntrack_count and /proc/net/stat/nf_conntrack)`,
  );
  for (const host of sickHosts) counts.set(host, await makeTableFull(lab, host, sickUsagePercent, sickDrops));
  await cli(
    'Alarm: check reads every host in one round trip; the sick hosts are flagged',
    ['check', '-i', inventory],
    1,
    `${sickHosts.join(', ')} have a problem — usage ≥ 90 % or dropped packets — so check exits 1 (cron/monitoring can alert on it)`,
  );
  await cli(
    'Fix: run the shipped tune playbook — one canary host, a 10 s health gate, then the rest',
    ['run', 'playbooks/tune.yaml', '-i', inventory],
    0,
    'every host changed, each value read back, and persisted for the next boot',
  );
  say(
    'Lab stand-in: the kernel\'s drop counters only grow until the next boot; the fix stops them rising.\n    The demo zeroes them to stand for "later, no new drops" (on a real host: run check again and compare).',
  );
  for (const [host, count] of counts) await clearDropCounters(lab, host, count);
  await cli(
    'Proof: check again — the same connections now fill a quarter of the raised table',
    ['check', '-i', inventory],
    0,
    'all healthy',
  );
  await cli(
    'Undo: rollback restores every host from the journal it keeps of the run',
    ['rollback', '--last', '-i', inventory],
    0,
    'every value and file is back as it was before the run',
  );
}

async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (options === 'help') {
    console.log(usage);
    return 0;
  }
  if (!options) {
    console.error(usage);
    return 2;
  }
  const missing = labSkipReason();
  if (missing) {
    console.error(`demo: cannot start the lab hosts: ${missing}`);
    return 1;
  }
  if (buildIsStale(repoDir)) {
    say('Build: dist/ is missing or older than src/\n    $ npm run build');
    if (runBuild(repoDir) !== 0) return 1;
  }
  const labDir = options.labDir ?? mkdtempSync(path.join(os.tmpdir(), 'conntrack-fleet-demo-'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  say(
    `Lab: ${options.hosts} hosts, each a real sshd in its own namespaces on 127.0.0.1 (ports from ${options.portBase}; \`npm run lab -- up ${options.hosts} --port-base ${options.portBase}\` keeps one up)`,
  );
  let lab: Lab | null = null;
  try {
    lab = await startLab({ count: options.hosts, dir: labDir, portBase: options.portBase });
    for (const host of lab.hosts) console.log(`    ${host.name} on port ${host.port}`);
    if (interrupted) throw new Error('interrupted');
    await story(lab);
    say('Done: symptom, fix, proof and undo. Next: README.md (install, inventories, playbooks) and docs/playbook.md');
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    console.error(`\ndemo: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    say(`Cleanup: taking the lab down (processes, namespaces, mounts, ${labDir})`);
    await (lab ?? (await import('./lab.js')).openLab(labDir))
      .down()
      .catch((error: unknown) => console.error(`demo: lab down failed: ${String(error)}`));
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return; // once: the CLI finishes its rollback, then the lab goes down
  interrupted = true;
  console.error(
    `\ndemo: ${signal}: stopping; the running command finishes its step and rolls back hosts mid-run, then the lab goes down`,
  );
  current?.kill('SIGINT');
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
