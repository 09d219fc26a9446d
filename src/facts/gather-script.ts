/** Builds the one POSIX sh script that reads every fact of a host in a single round trip, from the fact sections. */
import { randomBytes } from 'node:crypto';
import { remoteScript } from '../remote/scripts.js';
import { sh } from '../transport/quote.js';
import { gatherDoneMarker } from './gather-frame.js';
import { linkChainFunctions } from './link-chain-sh.js';
import type { GatherRequest } from './section.js';
import { factSections } from './sections/index.js';

export type { GatherRequest } from './section.js';
export { gatherDoneMarker } from './gather-frame.js';

/** The helpers every section may use (src/remote/gather.sh, after the symlink walker it needs). */
export const gatherFunctions = `${linkChainFunctions}\n${remoteScript('gather.sh')}`;

/** Throws only on a programming error: a path that is not absolute (or holds a NUL byte, via quoteShell). */
export function buildGatherScript(request: GatherRequest): string {
  const relative = request.files.find((path) => !path.startsWith('/'));
  if (relative !== undefined) throw new Error(`gather: not an absolute path: ${relative}`);
  // frames command output (`@@raw TOKEN`): random per script, so no output can end a frame early
  const token = randomBytes(12).toString('hex');
  const main = [
    'cf_main() {',
    ...factSections.flatMap((section) => [sh`cf_section ${section.name}`, section.sh(request)]),
    `echo ${gatherDoneMarker}`,
    '}',
    // stdin is the script itself (sh -s): no command may read it; fd 5 is the real stdout for cf_run
    'cf_main </dev/null 5>&1',
    'exit 0',
  ];
  return `cf_tok=${token}\n${gatherFunctions}\n${main.join('\n')}\n`;
}
