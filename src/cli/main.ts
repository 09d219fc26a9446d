#!/usr/bin/env node
/** Entry point: the only place that exits. Typed errors are mapped to exit codes here. */
import { Command, CommanderError, Help } from 'commander';
import { escapeMessage } from '../config/escape.js';
import { InputError, errorMessage } from '../errors.js';
import { exitCodes } from '../runner/outcome.js';
import { commandIndex, commandsFor, helpForUnknownCommand, type CommandEntry } from './command-index.js';

/** The program and its own options, no command yet. */
function bareProgram(): Command {
  const program = new Command('conntrack-fleet')
    .description(
      'Tune Linux connection tracking (nf_conntrack) across a fleet over SSH, with read-back verification and exact rollback.',
    )
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    // commander's default, stated: subcommands inherit it, so `chek` and `--limt` get "(Did you mean …?)", exit 2
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExamples:\n  conntrack-fleet check -i inventories/prod.yaml --limit web*\n  conntrack-fleet run playbooks/tune.yaml -i inventories/prod.yaml --check --diff\n\nExit codes: 0 ok, 1 a host failed/was rolled back/unreachable, 2 bad input, 3 rollout stopped, 4 a rollback failed, 130 interrupted.',
    );
  return program;
}

/** Registers the given commands' real definitions (options, arguments, actions), loading their modules. */
async function registerLoaded(program: Command, entries: readonly CommandEntry[]): Promise<void> {
  const registers = await Promise.all(entries.map((entry) => entry.load()));
  for (const register of registers) register(program);
}

/** Stand-ins from the command index for the top-level help: name, term and description, no module loaded. */
function registerIndexed(program: Command): void {
  const terms = new Map<Command, string>();
  for (const entry of commandIndex) terms.set(program.command(entry.name).description(entry.description), entry.term);
  const help = new Help();
  program.configureHelp({ subcommandTerm: (command) => terms.get(command) ?? help.subcommandTerm(command) });
}

/**
 * `check --limt web`: commander checks required options (-i) before unknown ones, so the missing -i was reported and
 * the misspelt --limt, the likely cause, never was. This moves the required-option check of `command` and its
 * subcommands into a preAction hook, which commander runs after its unknown-option check and the arguments; same
 * message ("error: required option '-i, --inventory <source>' not specified"), exit 2 as before.
 */
export function checkRequiredOptionsAfterTypos(command: Command): void {
  for (const sub of command.commands) checkRequiredOptionsAfterTypos(sub);
  const required = command.options.filter((option) => option.mandatory);
  if (required.length === 0) return;
  for (const option of required) option.makeOptionMandatory(false);
  command.hook('preAction', (self) => {
    for (const option of required)
      if (self.getOptionValue(option.attributeName()) === undefined)
        self.error(`error: required option '${option.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
        });
  });
}

/**
 * The program with the commands argv needs (command-index.ts, commandsFor): each command's module, and through it
 * ssh2/zod/yaml/listr2, is imported only when the command line names it, so `--version` and `--help` load none.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = bareProgram();
  const needed = commandsFor(argv.slice(2));
  if (needed === 'index') registerIndexed(program);
  else if (needed === 'all') await registerLoaded(program, commandIndex);
  else if (needed !== 'none') await registerLoaded(program, needed);
  checkRequiredOptionsAfterTypos(program);
  return program;
}

/**
 * Runs the CLI on argv (process.argv shape: [node, script, ...args]) and returns the exit code; never exits.
 * Exported for in-process callers (test/soak measures one controller process's fds and memory across many runs).
 */
export async function main(givenArgv: string[]): Promise<number> {
  const argv = helpForUnknownCommand(givenArgv);
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are "errors" to commander; usage mistakes are bad input
      return error.exitCode === 0 ? 0 : exitCodes.badInput;
    }
    if (error instanceof InputError) {
      // compiler style, so editors can jump to FILE:LINE:COL
      process.stderr.write(`${escapeMessage(error.position ? error.format() : `conntrack-fleet: ${error.message}`)}\n`);
      return exitCodes.badInput;
    }
    process.stderr.write(`conntrack-fleet: internal error: ${escapeMessage(errorMessage(error))}\n`);
    if (process.env.CONNTRACK_FLEET_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}

/** Set by an in-process caller before importing this file, so importing it does not run (and exit) the CLI. */
export const embeddedFlag = Symbol.for('conntrack-fleet.embedded');

if (Reflect.get(globalThis, embeddedFlag) !== true) {
  const code = await main(process.argv);
  // flush stdout before exiting: reports may be large and piped
  process.stdout.write('', () => process.exit(code));
}
