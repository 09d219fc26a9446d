/** Builds the one POSIX sh script that reads every fact of a host in a single round trip, from the fact sections. */
import { newRecordToken, recordHeader } from '../remote/records.js';
import { remoteScript } from '../remote/scripts.js';
import { quoteShell, sh } from '../transport/quote.js';
import { gatherDoneKind } from './gather-frame.js';
import { linkChainFunctions } from './link-chain-sh.js';
import type { GatherRequest } from './section.js';
import { factSections } from './sections/index.js';

export type { GatherRequest } from './section.js';
export { gatherDoneKind } from './gather-frame.js';

/** The helpers every section may use (src/remote/gather.sh, after the symlink walker it needs); needs recordHeader first. */
export const gatherFunctions = `${linkChainFunctions}\n${remoteScript('gather.sh')}`;

const firstGrepIndex = factSections.findIndex((section) => section.grep !== undefined);

/** The one grep every section's `grep` shares (cf_grep_lines): a process per host, not per section. */
function sharedGrep(): string {
  const patterns: string[] = [];
  const files: string[] = [];
  for (const { grep } of factSections) {
    if (!grep) continue;
    patterns.push('-e', quoteShell(grep.pattern));
    files.push(...grep.files);
  }
  return ['cf_grep_lines', ...patterns, '--', ...files].join(' ');
}

/**
 * The script; its output is records of `token` (parse it with readGatherOutput and the same token: random per
 * script, so nothing the host prints can pass for a record). Throws only on a programming error: a path that is not
 * absolute (or holds a NUL byte, via quoteShell), a malformed token.
 */
export function buildGatherScript(request: GatherRequest, token: string = newRecordToken()): string {
  const relative = request.files.find((path) => !path.startsWith('/'));
  if (relative !== undefined) throw new Error(`gather: not an absolute path: ${relative}`);
  const main = [
    'cf_main() {',
    // file and knob stats wait for cf_flush: one stat for all (src/remote/gather.sh)
    'cf_stat_later=1',
    ...factSections.flatMap((section, index) => [
      ...(index === firstGrepIndex ? [sharedGrep()] : []),
      sh`cf_section ${section.name}`,
      section.sh(request),
    ]),
    'cf_flush',
    `cf_rec ${gatherDoneKind}`,
    '}',
    // stdin is the script itself (sh -s): no command may read it; fd 5 is the real stdout for cf_run
    'cf_main </dev/null 5>&1',
    'exit 0',
  ];
  return `${recordHeader(token)}\n${gatherFunctions}\n${main.join('\n')}\n`;
}
