/** The real CLI with its output watched as it is printed, so a test can act (a signal, a fault) at a precise moment. */
import type { ChildProcess } from 'node:child_process';
import { type CliResult, runCli } from './run-cli.js';
import { newReportFile, readReport, transcript, type RunOutcome, type TestLab } from './run-lab.js';

export interface LiveCli {
  child: () => ChildProcess;
  /** Resolves with the first stdout line matching, as it is printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<CliResult>;
}

/** The real CLI with its stdout watched line by line, so a test can act at a precise moment of the run. */
export function startCli(args: string[], timeoutMs = 90_000): LiveCli {
  let child: ChildProcess | undefined;
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const line = text.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const done = runCli(args, {
    timeoutMs,
    onSpawn: (spawned) => {
      child = spawned;
      spawned.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        check();
      });
    },
  });
  return {
    child: () => {
      if (!child) throw new Error('the CLI has not started');
      return child;
    },
    waitFor: (pattern, waitMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${waitMs} ms; output so far:\n${text}`)),
          waitMs,
        );
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        check();
        void done.then((r) =>
          reject(
            new Error(`the CLI ended (exit ${r.exitCode}) before a line matched ${pattern}:\n${r.stdout}${r.stderr}`),
          ),
        );
      }),
    done,
  };
}

/** For assertion messages: everything the CLI said (run-lab.ts transcript, under the rollout tests' name). */
export const describeRun: (result: CliResult) => string = transcript;

/**
 * startCli of `ARGS… --report <tmp file>`; `outcome` resolves once the CLI ended, with the report read back
 * (run-lab.ts runReporting, live).
 */
export function startReporting(
  t: TestLab,
  args: string[],
  timeoutMs?: number,
): LiveCli & { outcome: Promise<RunOutcome> } {
  const reportFile = newReportFile(t);
  const live = startCli([...args, '--report', reportFile], timeoutMs);
  const outcome = live.done.then(async (cli) => ({ cli, report: await readReport(reportFile) }));
  return { ...live, outcome };
}
