/** ssh2 exec channels: the host's one shell session (shell-session.ts) and the held lock command, both `sh -s`. */
import type { Client, ClientChannel } from 'ssh2';
import { RemoteError } from '../errors.js';
import type { HeldCommand, HostTarget } from './connection.js';
import { becomeCommand } from './become.js';
import type { OpenChannel } from './become-channel.js';
import { type ShellSession, startShellSession } from './shell-session.js';

/** How long release() waits for a held command to exit on EOF before killing it. */
export const releaseGraceMs = 5_000;

/** The remote command line: `sh -s`, through sudo when the target asks for become (become.ts). */
export function shellCommand(target: Pick<HostTarget, 'become' | 'becomeUser'>): string {
  return becomeCommand(target);
}

export function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/** A command line, or an opener that prepares the channel first (become-channel.ts: sudo's handshake). */
function openChannel(client: Client, command: string | OpenChannel): Promise<ClientChannel> {
  return typeof command === 'string' ? openExec(client, command) : command(client);
}

interface ChannelOutput {
  /** Set once a held command printed its first line: later output is drained, not kept. */
  discard: boolean;
  stdout: Buffer[];
  stderr: Buffer[];
  exitCode: number | null;
  signal: string | null;
}

/** Collects both streams and the exit status; a channel error must not crash the process. */
function collectOutput(channel: ClientChannel): ChannelOutput {
  const output: ChannelOutput = { discard: false, stdout: [], stderr: [], exitCode: null, signal: null };
  channel.on('data', (chunk: Buffer) => output.discard || output.stdout.push(chunk));
  channel.stderr.on('data', (chunk: Buffer) => output.discard || output.stderr.push(chunk));
  channel.on('exit', (code: number | null, signal?: string) => {
    output.exitCode = typeof code === 'number' ? code : null;
    output.signal = signal ?? null;
  });
  channel.on('error', (error: Error) => output.stderr.push(Buffer.from(`[channel error: ${error.message}]\n`)));
  return output;
}

/** Opens the host's one long-lived shell session (shell-session.ts) on a new channel, through become's opener. */
export async function openSession(client: Client, command: string | OpenChannel): Promise<ShellSession> {
  const channel = await openChannel(client, command);
  const { session, feed } = startShellSession({
    write: (text) => void channel.write(text),
    stop: () => stopChannel(channel),
    end: () => void channel.end(),
  });
  let exitCode: number | null = null;
  let signal: string | null = null;
  channel.on('data', (chunk: Buffer) => feed.stdout(chunk));
  channel.stderr.on('data', (chunk: Buffer) => feed.stderr(chunk));
  channel.on('exit', (code: number | null, name?: string) => {
    exitCode = typeof code === 'number' ? code : null;
    signal = name ?? null;
  });
  channel.on('error', (error: Error) => feed.stderr(Buffer.from(`[channel error: ${error.message}]\n`)));
  channel.on('close', () => feed.closed(exitCode, signal));
  return session;
}

/**
 * Asks sshd to KILL the command's process group, then closes the channel. Best effort: OpenSSH refuses
 * signals for root logins (no privilege separation after auth), where the command may outlive the channel.
 */
function stopChannel(channel: ClientChannel): void {
  try {
    sendSignal(channel, 'KILL');
    channel.close();
  } catch {
    // the channel or connection is already gone
  }
}

type ChannelInternals = {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal?(channelId: number, signal: string): void } };
};

/** ssh2's channel.signal() stays silent once stdin is ended, though SSH allows signals after EOF. */
function sendSignal(channel: ClientChannel, signal: string): void {
  const internals = channel as unknown as ChannelInternals;
  const { outgoing } = internals;
  const protocol = internals._client?._protocol;
  if (outgoing && (outgoing.state === 'open' || outgoing.state === 'eof') && protocol?.signal) {
    protocol.signal(outgoing.id, signal);
  } else {
    channel.signal(signal);
  }
}

/** Starts a long-lived script (stdin stays open) and resolves with its first stdout line. */
export async function holdExec(
  client: Client,
  command: string | OpenChannel,
  script: string,
  timeoutMs?: number,
): Promise<HeldCommand> {
  const channel = await openChannel(client, command);
  const output = collectOutput(channel);
  const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()));
  const firstLine = waitFirstLine(channel, output, closed, timeoutMs);
  // a trailing newline lets sh finish parsing the last command while stdin stays open
  channel.write(script.endsWith('\n') ? script : `${script}\n`);
  return { firstLine: await firstLine, release: () => releaseChannel(channel, closed) };
}

function waitFirstLine(
  channel: ClientChannel,
  output: ChannelOutput,
  closed: Promise<void>,
  timeoutMs: number | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stopChannel(channel);
            // timedOut: the host did not answer in time (error kind `timeout`), unlike a lock held by another run
            const message = `held command printed no line within ${timeoutMs} ms`;
            reject(new RemoteError(message, null, stderrText(output), { timedOut: true }));
          }, timeoutMs);
    const onData = () => {
      const text = Buffer.concat(output.stdout).toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      channel.off('data', onData);
      output.discard = true;
      resolve(text.slice(0, end).replace(/\r$/, ''));
    };
    channel.on('data', onData);
    void closed.then(() => {
      clearTimeout(timer);
      const status = output.signal ?? `exit code ${output.exitCode ?? 'unknown'}`;
      const message = `held command ended (${status}) before printing a line; stderr: ${stderrText(output).trim() || '(empty)'}`;
      reject(new RemoteError(message, output.exitCode, stderrText(output)));
    });
  });
}

function stderrText(output: ChannelOutput): string {
  return Buffer.concat(output.stderr).toString('utf8');
}

async function releaseChannel(channel: ClientChannel, closed: Promise<void>): Promise<void> {
  channel.end();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), releaseGraceMs)));
  const outcome = await Promise.race([closed, grace]);
  clearTimeout(timer);
  if (outcome === 'late') stopChannel(channel);
}
