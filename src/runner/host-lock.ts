/**
 * One controller per host: a `flock` held by a long-lived command for the host's whole run.
 * The lock dies with the SSH channel, so a killed controller never leaves a stale lock.
 */
import type { Connection } from '../transport/connection.js';
import { quoteShell } from '../transport/quote.js';

export const lockFile = '/run/conntrack-fleet.lock';
const ownerFile = '/run/conntrack-fleet.owner';

export type LockResult =
  | { kind: 'locked'; release: () => Promise<void> }
  | { kind: 'busy'; owner: string }
  | { kind: 'unsupported'; reason: string };

function lockScript(runId: string, startedAt: string): string {
  return [
    'command -v flock >/dev/null 2>&1 || { echo "unsupported flock not found"; exit 0; }',
    `exec 9>>${quoteShell(lockFile)} || { echo "unsupported cannot open ${lockFile}"; exit 0; }`,
    'if flock -n 9; then',
    `  printf '%s since %s\\n' ${quoteShell(runId)} ${quoteShell(startedAt)} > ${quoteShell(ownerFile)}`,
    '  echo locked',
    // holds the lock until the controller closes stdin or the connection drops
    '  cat > /dev/null',
    `  rm -f ${quoteShell(ownerFile)}`,
    'else',
    `  echo "busy $(cat ${quoteShell(ownerFile)} 2>/dev/null || echo 'an unknown run')"`,
    'fi',
  ].join('\n');
}

export async function acquireHostLock(connection: Connection, runId: string, startedAt: Date): Promise<LockResult> {
  const held = await connection.hold(lockScript(runId, startedAt.toISOString()));
  const line = held.firstLine.trim();
  if (line === 'locked') return { kind: 'locked', release: () => held.release() };
  await held.release();
  if (line.startsWith('busy ')) return { kind: 'busy', owner: line.slice(5) };
  return { kind: 'unsupported', reason: line.replace(/^unsupported /, '') };
}
