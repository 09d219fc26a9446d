/** Gathers every fact of one host in ONE round trip: one script, one runScript call, pure parsing after. */
import { RemoteError } from '../errors.js';
import { newRecordToken } from '../remote/records.js';
import { stripShellNoise } from '../remote/remote-error.js';
import type { Connection } from '../transport/connection.js';
import { readGatherOutput } from './gather-output.js';
import { buildGatherScript, type GatherRequest } from './gather-script.js';
import type { HostFacts } from './types.js';

export type { GatherRequest } from './gather-script.js';
export { buildGatherScript } from './gather-script.js';
export { parseGatherOutput } from './gather-output.js';

// iptables-save on a kube-proxy host with thousands of services takes seconds
export const defaultGatherTimeoutMs = 60_000;

/** Throws RemoteError when the script fails or its output is not whole (cut short: never half the facts). */
export async function gatherFacts(
  connection: Connection,
  request: GatherRequest,
  timeoutMs = defaultGatherTimeoutMs,
): Promise<HostFacts> {
  const host = connection.target.name;
  const token = newRecordToken();
  const result = await connection.runScript(buildGatherScript(request, token), { timeoutMs });
  if (result.exitCode !== 0) {
    const how =
      result.exitCode === null ? `ended by ${result.signal ?? 'timeout or lost channel'}` : `exit ${result.exitCode}`;
    const said = stripShellNoise(result.stderr);
    throw new RemoteError(
      `${host}: fact gathering failed (${how})${said ? `: ${said}` : ''}`,
      result.exitCode,
      result.stderr,
      { timedOut: result.timedOut },
    );
  }
  const { facts, missing } = readGatherOutput(result.stdout, request, token);
  if (missing.length > 0) {
    throw new RemoteError(
      `${host}: fact gathering output incomplete: missing ${missing.join(', ')}`,
      result.exitCode,
      result.stderr,
    );
  }
  return facts;
}
