/**
 * Which conntrack timeout to lower, from a sample of the table (connection-sample.ts). Pure. Sources: docs/sizing.md.
 * Only a clear majority moves the advice: a share below `dominantShare` of the sampled entries keeps the timeouts.
 */
import type { ConnectionSample } from './connection-sample.js';

export const dominantShare = 0.25;
/** Fewer sampled entries than this say nothing about a host's traffic. */
export const minSampledEntries = 100;
/** Linux's own TCP TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN); conntrack's default is 120 s (2 × MSL). */
export const timeWaitS = 60;
/** What kube-proxy sets (--conntrack-tcp-timeout-established 24h) and the shipped tune playbook uses. */
export const establishedS = 86_400;

export interface TimeoutAdvice {
  timeouts: Record<string, number>;
  lines: string[];
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(0)} %`;
}

export function timeoutAdvice(sample: ConnectionSample | null, current: Record<string, number>): TimeoutAdvice {
  if (sample === null)
    return { timeouts: {}, lines: ['timeouts: /proc/net/nf_conntrack not present (not loaded here); kept'] };
  if (sample.entries < minSampledEntries) {
    return {
      timeouts: {},
      lines: [
        `timeouts: only ${sample.entries} entries sampled from /proc/net/nf_conntrack (< ${minSampledEntries}); kept`,
      ],
    };
  }
  const timeouts: Record<string, number> = {};
  const lines: string[] = [];
  const timeWait = current['tcp_timeout_time_wait'];
  if (sample.timeWait / sample.entries >= dominantShare && timeWait !== undefined && timeWait > timeWaitS) {
    timeouts['tcp_timeout_time_wait'] = timeWaitS;
    lines.push(
      `timeouts: TIME_WAIT holds ${percent(sample.timeWait, sample.entries)} of ${sample.entries} sampled entries: tcp_timeout_time_wait ${timeWait} → ${timeWaitS} (Linux's own TIME_WAIT)`,
    );
  }
  const established = current['tcp_timeout_established'];
  if (
    sample.establishedIdle / sample.entries >= dominantShare &&
    established !== undefined &&
    established > establishedS
  ) {
    timeouts['tcp_timeout_established'] = establishedS;
    lines.push(
      `timeouts: ESTABLISHED idle ≥ ${sample.idleSeconds / 3600} h holds ${percent(sample.establishedIdle, sample.entries)} of ${sample.entries} sampled entries: tcp_timeout_established ${established} → ${establishedS}`,
    );
  }
  if (lines.length === 0)
    lines.push(
      `timeouts: neither TIME_WAIT nor idle ESTABLISHED entries dominate ${sample.entries} sampled entries; kept`,
    );
  return { timeouts, lines };
}
