/** Builds the one POSIX sh script that reads every fact of a host in a single round trip. */
import { quoteShell } from '../transport/quote.js';
import { bootConfigFunctions } from './boot-config-script.js';
import { gatherFunctions } from './gather-script-body.js';
import { peakGatherSh, type PeakRequest } from './peak.js';
import { knobPaths } from './types.js';

export interface GatherRequest {
  /** Absolute paths of files to snapshot byte for byte (persist targets, modprobe.d, modules-load.d …). */
  files: string[];
  /** The peak file (facts/peak.ts): check keeps it, advise reads it; absent = not touched (run, gate, restore). */
  peak?: PeakRequest;
}

/** The marker the script prints last; output without it was cut short. */
export const gatherDoneMarker = '@@done';

const knobOrder = [knobPaths.max, knobPaths.maxAlias, knobPaths.buckets, knobPaths.count, knobPaths.hashsize];

function knobLines(): string[] {
  return ['cf_begin knobs', ...knobOrder.map((path) => `cf_knob ${quoteShell(path)}`), 'cf_end'];
}

function fileLines(files: string[]): string[] {
  return files.map((path, index) => `cf_file ${index} ${quoteShell(path)}`);
}

/** Throws only on a programming error: a path that is not absolute (or holds a NUL byte, via quoteShell). */
export function buildGatherScript(request: GatherRequest): string {
  const relative = request.files.find((path) => !path.startsWith('/'));
  if (relative !== undefined) throw new Error(`gather: not an absolute path: ${relative}`);
  const main = [
    'cf_main() {',
    'cf_identity',
    'cf_modules',
    'cf_presence',
    ...knobLines(),
    'cf_counters',
    'cf_rules',
    'cf_kube_proxy',
    ...fileLines(request.files),
    ['cf_boot_config', ...request.files.map(quoteShell)].join(' '),
    ...(request.peak ? [peakGatherSh(request.peak)] : []),
    `echo ${gatherDoneMarker}`,
    '}',
    // stdin is the script itself (sh -s): no command may read it; fd 5 is the real stdout for cf_run
    'cf_main </dev/null 5>&1',
    'exit 0',
  ];
  return `${gatherFunctions}\n${bootConfigFunctions}\n${main.join('\n')}\n`;
}
