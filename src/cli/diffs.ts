/** `--diff`: the unified diff of every file change in each host's plan. */
import type { RunEvent } from '../runner/events.js';
import { diffFile } from '../changes/index.js';
import { escapeOutput } from '../config/escape.js';

export function printDiffs(events: RunEvent[], stream: NodeJS.WritableStream): void {
  for (const event of events) {
    if (event.type !== 'host-planned') continue;
    for (const plan of event.plans) {
      for (const change of plan.changes) {
        if (change.kind !== 'file') continue;
        stream.write(
          `${escapeOutput(`--- ${event.host}: ${plan.label}: ${change.path}\n${diffFile(change.path, change.before, change.after)}`)}\n`,
        );
      }
    }
  }
}
