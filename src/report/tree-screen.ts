/**
 * Where live frames go: each frame replaces the last in place (erase its lines, write the new ones). Every line is cut to
 * the terminal's width first, so one line is one row and erasing needs no wrap arithmetic. log-update would do the same
 * but re-wraps the whole frame (wrap-ansi, string-width per word) on every change, which cost more than drawing it.
 */
import cliTruncate from 'cli-truncate';

export interface Screen {
  /** Replaces the frame on screen; a frame identical to the last is not written again. */
  draw(lines: string[]): void;
  /** Erases the live frame and prints the final lines once, untruncated (they stay in the scrollback). */
  close(finalLines: string[]): void;
}

type Terminal = NodeJS.WritableStream & { columns?: number };

const eraseLine = '\x1b[2K';
const cursorUp = '\x1b[1A';
/** Cursor to column 1. */
const cursorLeft = '\x1b[G';
const hideCursor = '\x1b[?25l';
const showCursor = '\x1b[?25h';

/** ECMA-48 erase of the `count` lines just written (the cursor sits on the line after them). */
export function eraseLines(count: number): string {
  return `${`${eraseLine}${cursorUp}`.repeat(count)}${eraseLine}${cursorLeft}`;
}

export function createScreen(stream: NodeJS.WritableStream): Screen {
  const terminal = stream as Terminal;
  const fit = createLineFitter();
  let shownLines = 0;
  let shown = '';
  let cursorHidden = false;
  const restoreCursor = (): void => {
    if (cursorHidden) stream.write(showCursor);
    cursorHidden = false;
  };
  return {
    draw(lines) {
      const columns = Math.max(10, (terminal.columns ?? 80) - 1);
      const text = lines.map((line) => fit(line, columns)).join('\n');
      if (text === shown) return;
      if (!cursorHidden) {
        cursorHidden = true;
        process.once('exit', restoreCursor); // a crash or exit mid-run must not leave the cursor hidden
      }
      stream.write(`${shownLines > 0 ? eraseLines(shownLines) : hideCursor}${text}\n`);
      shown = text;
      shownLines = lines.length;
    },
    close(finalLines) {
      // always ends at column 1, whether or not a frame was ever drawn
      stream.write(`${eraseLines(shownLines)}${finalLines.length > 0 ? `${finalLines.join('\n')}\n` : ''}`);
      restoreCursor();
      process.off('exit', restoreCursor);
      shownLines = 0;
      shown = '';
    },
  };
}

/** SGR color codes (all paint.ts writes) and characters one column wide: ASCII, our icons, spinner, dashes, arrows. */
const sgr = /\x1b\[[0-9;]*m/g;
const narrowOnly = /^[\x20-\x7e✔✖↓◼⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏—…→]*$/;

/** A line that obviously fits is returned as is; otherwise cli-truncate, remembered per line (most lines repeat). */
function createLineFitter(): (line: string, columns: number) => string {
  const cache = new Map<string, string>();
  let cachedColumns = 0;
  return (line, columns) => {
    const visible = line.replace(sgr, '');
    if (visible.length <= columns && narrowOnly.test(visible)) return line;
    if (columns !== cachedColumns || cache.size > 4096) {
      cache.clear();
      cachedColumns = columns;
    }
    let fitted = cache.get(line);
    if (fitted === undefined) {
      fitted = cliTruncate(line, columns);
      cache.set(line, fitted);
    }
    return fitted;
  };
}
