/** Where a key passphrase comes from: the environment, else a hidden TTY prompt. Never echoed or logged. */
import { ConnectError } from '../errors.js';

export const passphraseEnvVar = 'CONNTRACK_FLEET_SSH_PASSPHRASE';

export type PromptHidden = (question: string) => Promise<string>;

/** The subset of a TTY read stream the prompt needs (so tests can pass a fake one). */
export interface HiddenInput {
  isRaw?: boolean;
  setRawMode(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface PassphraseSources {
  env: NodeJS.ProcessEnv;
  /** Absent when stdin is not a terminal. */
  prompt?: PromptHidden;
}

/** The passphrase for one encrypted key file, or an 'auth' ConnectError saying how to provide one. */
export async function readPassphrase(keyFile: string, sources: PassphraseSources): Promise<string> {
  const fromEnv = sources.env[passphraseEnvVar];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!sources.prompt) {
    throw new ConnectError(
      'auth',
      `private key ${keyFile} is encrypted and no passphrase is available: set ${passphraseEnvVar}, ` +
        'run interactively (a TTY prompt asks for it), or load the key into ssh-agent with ssh-add',
    );
  }
  return sources.prompt(`Enter passphrase for key '${keyFile}': `);
}

/** A prompt on stderr when stdin is a TTY; undefined otherwise. */
export function terminalPrompt(): PromptHidden | undefined {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  return (question) => promptHidden(question, stdin, process.stderr);
}

let promptQueue: Promise<unknown> = Promise.resolve();

/** Reads one line with echo off; prompts are serialised so two keys never share the terminal. */
export function promptHidden(
  question: string,
  input: HiddenInput,
  output: NodeJS.WritableStream,
  interrupt: () => void = () => process.kill(process.pid, 'SIGINT'),
): Promise<string> {
  const answer = promptQueue.then(() => readHiddenLine(question, input, output, interrupt));
  promptQueue = answer.catch(() => undefined);
  return answer;
}

type LineEdit = 'more' | 'enter' | 'interrupt' | 'eof';

/** Applies one typed character to the hidden line (Backspace, Ctrl-U, Ctrl-C, Ctrl-D, Enter). */
export function editHiddenLine(typed: string[], ch: string): LineEdit {
  if (ch === '\r' || ch === '\n') return 'enter';
  if (ch === '\u0003') return 'interrupt';
  if (ch === '\u0004' && typed.length === 0) return 'eof';
  if (ch === '\u007f' || ch === '\b') typed.pop();
  else if (ch === '\u0015') typed.length = 0;
  else typed.push(ch);
  return 'more';
}

function readHiddenLine(
  question: string,
  input: HiddenInput,
  output: NodeJS.WritableStream,
  interrupt: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    const typed: string[] = [];
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        const edit = editHiddenLine(typed, ch);
        if (edit === 'more') continue;
        input.off('data', onData);
        input.setRawMode(wasRaw);
        input.pause();
        output.write('\n');
        if (edit === 'enter') return resolve(typed.join(''));
        reject(new Error(edit === 'eof' ? 'passphrase prompt closed' : 'passphrase prompt interrupted'));
        // raw mode swallowed the Ctrl-C, so deliver the interrupt the user asked for
        if (edit === 'interrupt') interrupt();
        return;
      }
    };
    output.write(question);
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
