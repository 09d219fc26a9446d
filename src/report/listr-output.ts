/** listr2 pointed at our stream (not process.stdout), with icons colored by our flag rather than colorette's guess. */
import { DefaultRenderer, ListrDefaultRendererLogLevels as D, ListrLogger, ProcessOutput } from 'listr2';
import type { Paint, PaintFn } from './paint.js';

/** listr2 picks renderers by process.stdout.isTTY; we decide by our own stream instead. */
export class StreamDefaultRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

export function createStreamLogger(stream: NodeJS.WritableStream): ListrLogger<string> {
  const out = stream as NodeJS.WriteStream;
  // everything to the one stream we were given: listr2 would send failures to process.stderr
  return new ListrLogger({ useIcons: true, toStderr: [], processOutput: new ProcessOutput(out, out) });
}

/** listr2 may call a color with no text (LoggerFormat takes an optional message). */
type LoggerColor = (text?: string) => string;

/** The default renderer's icon colors, same hues as listr2's own, but through our palette. */
export function defaultRendererColors(paint: Paint): Record<D, LoggerColor> {
  const colors: Record<D, PaintFn> = {
    [D.SKIPPED_WITH_COLLAPSE]: paint.yellow,
    [D.SKIPPED_WITHOUT_COLLAPSE]: paint.yellow,
    [D.OUTPUT]: paint.dim,
    [D.OUTPUT_WITH_BOTTOMBAR]: paint.dim,
    [D.PENDING]: paint.yellow,
    [D.COMPLETED]: paint.green,
    [D.COMPLETED_WITH_FAILED_SUBTASKS]: paint.yellow,
    [D.COMPLETED_WITH_FAILED_SISTER_TASKS]: paint.red,
    [D.RETRY]: paint.yellow,
    [D.ROLLING_BACK]: paint.red,
    [D.ROLLED_BACK]: paint.red,
    [D.FAILED]: paint.red,
    [D.FAILED_WITH_FAILED_SUBTASKS]: paint.red,
    [D.WAITING]: paint.dim,
    [D.PAUSED]: paint.yellow,
  };
  const entries = Object.entries(colors) as [D, PaintFn][];
  return Object.fromEntries(entries.map(([level, fn]) => [level, (text?: string) => fn(text ?? '')])) as Record<
    D,
    LoggerColor
  >;
}
