/**
 * The real CLI called inside THIS process (src/cli/main.ts `main`), so the soak can watch one controller's fds and
 * memory across many runs. Output is captured, not printed: 200 hosts × 40 commands would bury the table.
 */
import { readFile } from 'node:fs/promises';

// must be set before main.ts is imported, or importing it runs the CLI on our own argv and exits
Reflect.set(globalThis, Symbol.for('conntrack-fleet.embedded'), true);
const { main } = await import('../../src/cli/main.js');

export interface InProcessResult {
  exitCode: number;
  wallMs: number;
  /** stdout and stderr interleaved as written. */
  output: string;
  /** host outcome → count, from the JSON report (summary), or null when no report was written. */
  summary: Record<string, number> | null;
}

/** `conntrack-fleet ARGS… --report REPORTFILE`, in-process. */
export async function runInProcess(args: string[], reportFile: string): Promise<InProcessResult> {
  const chunks: string[] = [];
  const restore = capture(chunks);
  process.exitCode = undefined;
  const started = performance.now();
  let exitCode: number;
  try {
    exitCode = await main(['node', 'conntrack-fleet', ...args, '--report', reportFile]);
  } finally {
    restore();
    // the commands set process.exitCode; the soak decides its own
    process.exitCode = undefined;
  }
  const wallMs = performance.now() - started;
  const summary = await readFile(reportFile, 'utf8').then(
    (text) => (JSON.parse(text) as { summary: Record<string, number> }).summary,
    () => null,
  );
  return { exitCode, wallMs, output: chunks.join(''), summary };
}

type Write = typeof process.stdout.write;

function capture(chunks: string[]): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      if (callback) queueMicrotask(callback);
      return true;
    }) as Write;
  }
  return () => streams.forEach((stream, i) => (stream.write = originals[i] as Write));
}
