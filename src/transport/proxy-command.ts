/**
 * ProxyCommand as ssh(1) runs it: `sh -c 'exec COMMAND'` with the tokens of ssh_config(5) TOKENS expanded
 * (%h host, %p port, %r remote user, %n the name as given, %%), and the SSH stream on its stdin/stdout.
 * Unlike ssh, every substituted value is shell-quoted, so a host name cannot inject shell syntax.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { escapeMessage } from '../config/escape.js';
import { quoteShell } from './quote.js';

export interface ProxyCommandTokens {
  host: string;
  port: number;
  user: string;
  /** The host name before HostName was applied (ssh's %n). */
  alias: string;
}

/** The command with tokens replaced by quoted values; a string error names an unknown token, as ssh refuses those. */
export function expandProxyCommand(
  command: string,
  tokens: ProxyCommandTokens,
): { command: string } | { error: string } {
  let unknown: string | undefined;
  const expanded = command.replace(/%(.?)/g, (whole, token: string) => {
    if (token === '%') return '%';
    if (token === 'h') return quoteShell(tokens.host);
    if (token === 'p') return String(tokens.port);
    if (token === 'r') return quoteShell(tokens.user);
    if (token === 'n') return quoteShell(tokens.alias);
    unknown ??= whole;
    return whole;
  });
  return unknown === undefined
    ? { command: expanded }
    : { error: `ProxyCommand has an unknown token ${unknown} (ssh knows %h %p %r %n %%)` };
}

export interface ProxyProcess {
  /** The SSH stream: writes go to the command's stdin, its stdout is read. */
  sock: Duplex;
  /** The command's last stderr output as one line, control characters escaped (for error messages). */
  stderrTail(): string;
  /** Ends the command (SIGTERM, as ssh does on exit) and resolves once it has exited and its output is read. */
  stop(): Promise<void>;
}

const stderrTailChars = 500;

export function startProxyCommand(command: string, env: NodeJS.ProcessEnv = process.env): ProxyProcess {
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-stderrTailChars)));
  // 'close', not 'exit': only then has all of its stderr been read
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    sock: childStream(child),
    stderrTail: () => stderrAsOneLine(stderr.trim()),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** stdin/stdout as one stream that closes when the command's output ends or it fails to start; stop() ends the command. */
function childStream(child: ChildProcess): Duplex {
  const stdout = child.stdout as NodeJS.ReadableStream;
  const stdin = child.stdin as NodeJS.WritableStream;
  const stream = new Duplex({
    allowHalfOpen: false,
    read: () => void stdout.resume(),
    write: (chunk: Buffer, _encoding, done) => void stdin.write(chunk, (error) => done(error ?? null)),
    final: (done) => {
      stdin.end();
      done();
    },
  });
  stdout.on('data', (data: Buffer) => {
    if (!stream.push(data)) stdout.pause();
  });
  stdout.on('end', () => stream.push(null));
  // EPIPE once the command has exited: the stream just ends; ssh2 reports the closed connection
  (stdin as unknown as { on(event: 'error', listener: () => void): void }).on('error', () => stream.destroy());
  child.once('error', (error) => stream.destroy(new Error(`ProxyCommand could not start: ${error.message}`)));
  return stream;
}

/**
 * stderr's tail as one line for an error message: each line escaped by the one rule (config/escape.ts escapeMessage:
 * the error is redacted later), empty lines dropped, lines joined with " | " — a display join, so a proxy's several
 * lines of complaint read as one message.
 */
function stderrAsOneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(escapeMessage)
    .join(' | ');
}
