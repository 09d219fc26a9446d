/** Gathers every fact of one host in ONE round trip: one script, one runScript call, pure parsing after. */
import { RemoteError } from '../errors.js';
import { stripShellNoise } from '../remote/remote-error.js';
import type { Connection } from '../transport/connection.js';
import { findMissingParts, splitGatherOutput } from './gather-frame.js';
import { buildGatherScript, type GatherRequest } from './gather-script.js';
import { parseGatherOutput } from './parse-gather-output.js';
import type { HostFacts } from './types.js';

export type { GatherRequest } from './gather-script.js';
export { buildGatherScript } from './gather-script.js';
export { parseGatherOutput } from './parse-gather-output.js';

// iptables-save on a kube-proxy host with thousands of services takes seconds
export const defaultGatherTimeoutMs = 60_000;

export async function gatherFacts(
  connection: Connection,
  request: GatherRequest,
  timeoutMs = defaultGatherTimeoutMs,
): Promise<HostFacts> {
  const host = connection.target.name;
  const result = await connection.runScript(buildGatherScript(request), { timeoutMs });
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `ended by ${result.signal ?? 'timeout or lost channel'}` : `exit ${result.exitCode}`;
    const said = stripShellNoise(result.stderr);
    throw new RemoteError(`${host}: fact gathering failed (${how})${said ? `: ${said}` : ''}`, result.exitCode, result.stderr);
  }
  const missing = findMissingParts(splitGatherOutput(result.stdout));
  if (missing.length > 0) {
    throw new RemoteError(`${host}: fact gathering output incomplete: missing ${missing.join(', ')}`, result.exitCode, result.stderr);
  }
  return parseGatherOutput(result.stdout, request);
}
