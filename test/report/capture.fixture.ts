/** A string-collecting stream for reporter tests, optionally pretending to be a terminal. */
import { Writable } from 'node:stream';

export interface Capture {
  stream: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  text(): string;
}

export function createCapture(options: { isTTY?: boolean; columns?: number } = {}): Capture {
  const chunks: string[] = [];
  const stream: Capture['stream'] = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  if (options.isTTY) {
    stream.isTTY = true;
    stream.columns = options.columns ?? 160;
    stream.rows = 60;
  }
  return { stream, text: () => chunks.join('') };
}

export const ansiEscape = /\x1b\[/;
export const ansiColor = /\x1b\[(?:[0-9]|[1-9][0-9])(?:;[0-9]+)*m/;

/** The final frame the live tree printed: listr2 re-renders, the last full render follows the last cursor reset. */
export function lastFrame(output: string): string {
  return output.slice(output.lastIndexOf('\x1b[G') + 3).replace(/\x1b\[\?25[hl]/g, '');
}
