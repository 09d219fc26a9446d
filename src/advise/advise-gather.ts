/**
 * advise reads a host in ONE round trip: the usual gather script, plus a bounded sample of the conntrack table in a
 * block of the gather's records. /proc/net/nf_conntrack exists only while nf_conntrack is loaded (reading it never
 * loads a module); `head` stops after `sampleLimit` lines, so a table of millions costs the same as one of 20000.
 */
import { RemoteError } from '../errors.js';
import { splitGatherOutput } from '../facts/gather-frame.js';
import { buildGatherScript, parseGatherOutput } from '../facts/gather.js';
import { peakReadRequest } from '../facts/peak.js';
import type { HostFacts } from '../facts/types.js';
import { newRecordToken } from '../remote/records.js';
import { stripShellNoise } from '../remote/remote-error.js';
import type { Connection } from '../transport/connection.js';
import { type ConnectionSample, parseConnectionSample } from './connection-sample.js';

export const sampleLimit = 20_000;
const sectionName = 'conntrack-sample';
// the peak kept by check and watch is read, never written: advise changes nothing on the hosts
// advise reads no boot configuration: only run's planners do
const gatherRequest = { files: [], bootConfig: false, peak: peakReadRequest };

/** The gather script of `token` with the sample block before its end (parse with parseAdviseOutput, same token). */
export function buildAdviseScript(token: string): string {
  const gather = buildGatherScript(gatherRequest, token);
  const tail = 'exit 0\n';
  if (!gather.endsWith(tail)) throw new Error('gather script no longer ends with exit 0');
  const sample = [
    'if [ -r /proc/net/nf_conntrack ]; then',
    `  cf_begin ${sectionName}; head -n ${sampleLimit} /proc/net/nf_conntrack 2>/dev/null; cf_end`,
    'fi',
  ];
  return `${gather.slice(0, -tail.length)}${sample.join('\n')}\n${tail}`;
}

/** The facts, and the table sample (null when the host has no /proc/net/nf_conntrack). Pure. */
export function parseAdviseOutput(
  stdout: string,
  token: string,
): { facts: HostFacts; sample: ConnectionSample | null } {
  const facts = parseGatherOutput(stdout, gatherRequest, token);
  const section = splitGatherOutput(stdout, token).sections.find((s) => s.name === sectionName);
  const sample = section
    ? parseConnectionSample(section.lines, facts.timeouts['tcp_timeout_established'] ?? null)
    : null;
  return { facts, sample };
}

export async function gatherForAdvice(
  connection: Connection,
  timeoutMs = 60_000,
): Promise<{ facts: HostFacts; sample: ConnectionSample | null }> {
  const token = newRecordToken();
  const result = await connection.runScript(buildAdviseScript(token), { timeoutMs });
  if (result.exitCode !== 0) {
    const said = stripShellNoise(result.stderr);
    throw new RemoteError(
      `${connection.target.name}: reading the host failed (exit ${result.exitCode ?? 'none'})${said ? `: ${said}` : ''}`,
      result.exitCode,
      result.stderr,
    );
  }
  return parseAdviseOutput(result.stdout, token);
}
