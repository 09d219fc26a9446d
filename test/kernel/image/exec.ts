/** Runs host commands for the image build and the VM helper; results as plain data. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface CommandOptions {
  cwd?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly result: CommandResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error })));
    child.on('close', (code) =>
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code,
      }),
    );
    // EPIPE when the command does not read its stdin is not our failure: the exit code tells.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like runCommand, but a non-zero exit is an error naming the command and its stderr. */
export async function runChecked(command: string, args: string[], options: CommandOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0) {
    const shown = [command, ...args].join(' ').slice(0, 300);
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new CommandError(`${shown} exited ${result.exitCode}: ${detail}`, result);
  }
  return result.stdout;
}

/** Runs a small sh pipeline; values travel as positional parameters ($1…), never spliced into the text. */
export function runShell(script: string, args: string[] = [], options: CommandOptions = {}): Promise<string> {
  return runChecked('sh', ['-c', script, 'sh', ...args], options);
}
