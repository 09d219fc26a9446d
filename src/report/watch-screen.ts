/**
 * Puts `watch` frames on a terminal at a bounded rate: samples only mark the screen dirty, a timer draws at most
 * every `minRedrawMs`, so 1000 hosts answering in one burst cost one redraw, not 1000.
 */
import type { WatchRow } from '../facts/sample-rates.js';
import { renderWatchFrame } from './watch-frame.js';
import { layoutRows } from './watch-layout.js';

export interface WatchScreenOptions {
  stream: NodeJS.WriteStream;
  color: boolean;
  intervalMs: number;
  usageWarnPercent: number;
  /** Hosts watched, answered or not yet. */
  totalHosts: number;
  minRedrawMs?: number;
}

export interface WatchScreen {
  /** The rows changed; a redraw follows within minRedrawMs. */
  update(rows: () => WatchRow[]): void;
  /** Draws the last frame on the normal screen and restores the terminal. */
  close(): void;
}

// alternate screen + hidden cursor, like top(1): the shell's scrollback is left as it was
const enter = '\x1b[?1049h\x1b[?25l';
const leave = '\x1b[?25h\x1b[?1049l';

export function createWatchScreen(options: WatchScreenOptions): WatchScreen {
  const { stream } = options;
  let latest: (() => WatchRow[]) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastFrame: string[] = [];
  stream.write(enter);

  const frame = (): string[] => {
    const rows = latest?.() ?? [];
    const layout = layoutRows(rows, Math.max(1, (stream.rows || 24) - 2));
    return renderWatchFrame(layout, {
      // a pty without a size reports 0 columns: 80, as for no size at all
      width: Math.max(20, stream.columns || 80),
      color: options.color,
      nowMs: Date.now(),
      intervalMs: options.intervalMs,
      total: options.totalHosts,
      answering: rows.filter((r) => r.up).length,
      usageWarnPercent: options.usageWarnPercent,
    });
  };
  const draw = (): void => {
    timer = null;
    lastFrame = frame();
    stream.write(`\x1b[H${lastFrame.map((l) => `${l}\x1b[K`).join('\n')}\x1b[J`);
  };
  const onResize = (): void => draw();
  stream.on('resize', onResize);
  return {
    update(rows) {
      latest = rows;
      timer ??= setTimeout(draw, options.minRedrawMs ?? 250);
    },
    close() {
      if (timer) clearTimeout(timer);
      stream.off('resize', onResize);
      stream.write(leave);
      if (latest) stream.write(`${frame().join('\n')}\n`);
    },
  };
}
