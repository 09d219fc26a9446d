/**
 * advise's demand factor with the host's kept peak (facts/peak.ts): demand = max(count now, peak) × headroom, where a
 * peak older than `maxAgeDays` (default 30, `--peak-max-age-days`) is shown but not used — a table sized for last
 * quarter's incident is not what the host needs now, and the operator should see why it was left out. Pure.
 */
import type { PeakFact, PeakRecord } from '../facts/peak.js';
import { demandFactor, type Factor } from './sizing-rules.js';

export const defaultPeakMaxAgeDays = 30;

export interface PeakDemandOptions {
  headroom: number;
  maxAgeDays: number;
  /** Now, epoch milliseconds (the controller's clock, as the peak's time is). */
  nowMs: number;
}

/** The peak that advise reports: the record, its age and whether demand used it. */
export interface PeakUse extends PeakRecord {
  ageSeconds: number;
  used: boolean;
}

/** "just now", "12 min ago", "5 h ago", "3 d ago"; a time ahead of this clock says so (clocks disagree). */
export function peakAgeText(ageSeconds: number): string {
  if (ageSeconds < -60) return 'in the future (clocks disagree)';
  if (ageSeconds < 60) return 'just now';
  if (ageSeconds < 3600) return `${Math.floor(ageSeconds / 60)} min ago`;
  if (ageSeconds < 48 * 3600) return `${Math.floor(ageSeconds / 3600)} h ago`;
  return `${Math.floor(ageSeconds / 86_400)} d ago`;
}

function peakNote(fact: PeakFact | null): string {
  if (fact?.read === 'unreadable') return '; peak file unreadable (not root: use become), not used';
  if (fact?.read === 'invalid') return '; peak file not a `COUNT EPOCH SOURCE` line, not used';
  return '';
}

export function peakUseOf(record: PeakRecord | null, options: PeakDemandOptions): PeakUse | null {
  if (record === null) return null;
  const ageSeconds = Math.floor(options.nowMs / 1000) - record.atSeconds;
  return { ...record, ageSeconds, used: ageSeconds <= options.maxAgeDays * 86_400 };
}

/**
 * The demand factor and the peak it considered. Line shapes:
 * `demand: highest count seen 183442 (peak 3 d ago, by check; now 60000) × headroom 2 = 366884`,
 * `demand: highest count seen 60000 (now; peak 50000 2 h ago) × headroom 2 = 120000`,
 * `demand: highest count seen 60000 (now) × headroom 2 = 120000; peak 183442 45 d ago not used (older than 30 d)`.
 */
export function peakDemandFactor(
  count: number | null,
  fact: PeakFact | null,
  options: PeakDemandOptions,
): { factor: Factor; peak: PeakUse | null } {
  const peak = peakUseOf(fact?.stored ?? null, options);
  const note = peakNote(fact);
  if (peak === null || !peak.used || (count !== null && count >= peak.count)) {
    const plain = demandFactor(count, options.headroom);
    if (peak === null) return { factor: { ...plain, line: plain.line + note }, peak };
    const said = `peak ${peak.count} ${peakAgeText(peak.ageSeconds)}`;
    if (!peak.used)
      return {
        factor: { ...plain, line: `${plain.line}; ${said} not used (older than ${options.maxAgeDays} d)` },
        peak,
      };
    return { factor: { ...plain, line: plain.line.replace(' (now) ', ` (now; ${said}) `) }, peak };
  }
  const entries = Math.ceil(peak.count * options.headroom);
  const now = count === null ? 'count now unreadable' : `now ${count}`;
  const line = `demand: highest count seen ${peak.count} (peak ${peakAgeText(peak.ageSeconds)}, by ${peak.source}; ${now}) × headroom ${options.headroom} = ${entries}`;
  return { factor: { name: 'demand', entries, line }, peak };
}
