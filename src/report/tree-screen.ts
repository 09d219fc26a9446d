/** Where live frames go: log-update redraws in place; every line is cut to the terminal's width so one line = one row. */
import cliTruncate from 'cli-truncate';
import { createLogUpdate } from 'log-update';

export interface Screen {
  /** Replaces the frame on screen (log-update skips a frame identical to the last). */
  draw(lines: string[]): void;
  /** Erases the live frame and prints the final lines once, untruncated (they stay in the scrollback). */
  close(finalLines: string[]): void;
}

type Terminal = NodeJS.WritableStream & { columns?: number };

export function createScreen(stream: NodeJS.WritableStream): Screen {
  const terminal = stream as Terminal;
  const update = createLogUpdate(terminal as NodeJS.WriteStream);
  return {
    draw(lines) {
      const columns = Math.max(10, (terminal.columns ?? 80) - 1);
      update(lines.map((line) => cliTruncate(line, columns)).join('\n'));
    },
    close(finalLines) {
      update.clear();
      update.done();
      // column 1 whether or not a frame was ever drawn (log-update only moves the cursor when it erased something)
      stream.write(`\x1b[G${finalLines.length > 0 ? `${finalLines.join('\n')}\n` : ''}`);
    },
  };
}
