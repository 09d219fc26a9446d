#!/usr/bin/env node
/** Entry point: the only place that exits. Typed errors are mapped to exit codes here. */
import { Command, CommanderError } from 'commander';
import { escapeControl } from '../config/escape.js';
import { InputError, errorMessage } from '../errors.js';
import { exitCodes } from '../runner/outcome.js';
import { registerAdvise } from './advise.js';
import { registerCheck } from './check.js';
import { registerCompletion } from './completion.js';
import { registerRollback, registerRuns } from './rollback.js';
import { registerReport } from './report-merge.js';
import { registerRun } from './run.js';
import { registerWatch } from './watch.js';
import { registerValidate } from './validate.js';

function buildProgram(): Command {
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
  registerCheck(program);
  registerRun(program);
  registerRollback(program);
  registerRuns(program);
  registerWatch(program);
  registerAdvise(program);
  registerValidate(program);
  registerReport(program);
  registerCompletion(program);
  return program;
}

/**
 * Runs the CLI on argv (process.argv shape: [node, script, ...args]) and returns the exit code; never exits.
 * Exported for in-process callers (test/soak measures one controller process's fds and memory across many runs).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are "errors" to commander; usage mistakes are bad input
      return error.exitCode === 0 ? 0 : exitCodes.badInput;
    }
    if (error instanceof InputError) {
      // compiler style, so editors can jump to FILE:LINE:COL
      process.stderr.write(`${escapeControl(error.position ? error.format() : `conntrack-fleet: ${error.message}`)}\n`);
      return exitCodes.badInput;
    }
    process.stderr.write(`conntrack-fleet: internal error: ${escapeControl(errorMessage(error))}\n`);
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
