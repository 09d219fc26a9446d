/**
 * The subcommands by name, each with the module that registers it, loaded only when argv names it: importing every
 * command's module (and through them ssh2, zod, yaml, listr2, prom-client) cost ~0.25 s of a 0.30 s `--version`
 * (docs/benchmarks.md, Controller). The top-level help's lines are kept here so `--help` loads no command; the test
 * test/cli/command-index.test.ts renders the top-level help both ways and requires them to be identical.
 */
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export interface CommandEntry {
  name: string;
  /** As commander's top-level help shows the command: `run [options] <playbook>`. */
  term: string;
  /** Its description, as registered (shown by the top-level help). */
  description: string;
  load: () => Promise<Register>;
}

/** In help order (the order the commands were registered in before they were loaded lazily). */
export const commandIndex: readonly CommandEntry[] = [
  {
    name: 'check',
    term: 'check [options]',
    description:
      "Read each host's conntrack state (usage, drops, max/hashsize/timeouts, NAT modules and rules); changes no setting, keeps the highest count seen in the host's peak file.",
    load: async () => (await import('./check.js')).registerCheck,
  },
  {
    name: 'run',
    term: 'run [options] <playbook>',
    description: 'Apply a playbook: snapshot, change, read back; on any failure restore the host exactly.',
    load: async () => (await import('./run.js')).registerRun,
  },
  {
    name: 'rollback',
    term: 'rollback [options]',
    description:
      'Restore hosts from their on-host journals (a crashed or interrupted run, or an earlier run on purpose) and verify.',
    load: async () => (await import('./rollback.js')).registerRollback,
  },
  {
    name: 'runs',
    term: 'runs [options]',
    description:
      "List the runs recorded in the hosts' journals, oldest first, with their state per host (applying = interrupted or crashed: roll it back).",
    load: async () => (await import('./rollback.js')).registerRuns,
  },
  {
    name: 'watch',
    term: 'watch [options]',
    description:
      "Live view of the fleet's conntrack tables: usage and drops per second, worst host first; changes no setting.",
    load: async () => (await import('./watch.js')).registerWatch,
  },
  {
    name: 'advise',
    term: 'advise [options]',
    description:
      'Recommend nf_conntrack_max, hash table size and timeouts per host, with the reasoning; changes nothing on the hosts.',
    load: async () => (await import('./advise.js')).registerAdvise,
  },
  {
    name: 'validate',
    term: 'validate [options] <playbook>',
    description:
      'Check a playbook and inventory offline (no connection) and show the batches and what each step would do.',
    load: async () => (await import('./validate.js')).registerValidate,
  },
  {
    name: 'report',
    term: 'report',
    description: 'Work with JSON run reports (run --report FILE).',
    load: async () => (await import('./report-merge.js')).registerReport,
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    description: 'Print a shell completion script: source <(conntrack-fleet completion bash)',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
];

/**
 * Which commands a command line needs registered, from its words after the program (process.argv.slice(2)):
 * - `index`: none loaded, the index's lines stand in (top-level help, or no words at all);
 * - a list: just those (`run …`, `help run`);
 * - `none`: no command at all (`--version`);
 * - `all`: every command (completion walks them all; an unknown word needs them all for "Did you mean …?").
 * The program itself has only -V/--version and -h/--help, so the first word is an option of the program or a command.
 */
export function commandsFor(words: readonly string[]): 'index' | 'none' | 'all' | CommandEntry[] {
  const [first, second] = words;
  if (first === undefined || first === '-h' || first === '--help') return 'index';
  if (first === '-V' || first === '--version') return 'none';
  if (first === 'completion') return 'all';
  if (first === 'help') {
    if (second === undefined) return 'index';
    const named = commandIndex.filter((entry) => entry.name === second);
    return named.length > 0 ? named : 'all';
  }
  const named = commandIndex.filter((entry) => entry.name === first);
  return named.length > 0 ? named : 'all';
}

/**
 * `help chek`: commander's help command prints the program's help for a name it does not know, with no error and
 * no suggestion. This turns argv (process.argv shape) `help NAME` into `NAME` when NAME is no command, so commander
 * reports "unknown command 'NAME'" with its "(Did you mean …?)", exit 2; any other argv is returned as is.
 */
export function helpForUnknownCommand(argv: readonly string[]): string[] {
  const [node = '', script = '', first, second, ...rest] = argv;
  if (first !== 'help' || second === undefined || second.startsWith('-')) return [...argv];
  if (commandIndex.some((entry) => entry.name === second)) return [...argv];
  return [node, script, second, ...rest];
}
