/** Exact state of the files the run asked for (bytes, mode, owner, symlink chain). Shell: cf_file (src/remote/gather.sh). */
import type { GatherFrame } from '../gather-frame.js';
import { parseFileSection } from '../parse-file-section.js';
import { type FactSection, type GatherRequest } from '../section.js';
import type { FileState, HostFacts } from '../types.js';
import { quoteShell } from '../../transport/quote.js';

/** Files that exist but could not be snapshotted are left out (unknown), never reported as absent. */
export function readFiles(
  frame: GatherFrame,
  request: GatherRequest,
  problems: string[],
): Record<string, FileState | null> {
  const files: Record<string, FileState | null> = {};
  request.files.forEach((path, index) => {
    const section = frame.sections.find((s) => s.name === 'file' && s.arg === String(index));
    const reading = section ? parseFileSection(section.lines) : { kind: 'unknown' as const, reason: 'was not read' };
    if (reading.kind === 'present') files[path] = reading.state;
    else if (reading.kind === 'absent') files[path] = null;
    else problems.push(`${path} ${reading.reason}`);
  });
  return files;
}

export const filesSection: FactSection<Pick<HostFacts, 'files'>> = {
  name: 'files',
  // one line per file, `cf_file INDEX PATH`: the reader finds a file's block by its index in the request
  sh: (request) => ['', ...request.files.map((path, index) => `cf_file ${index} ${quoteShell(path)}`), ''].join('\n'),
  read: ({ frame, request, problems }) => ({ files: readFiles(frame, request, problems) }),
};
