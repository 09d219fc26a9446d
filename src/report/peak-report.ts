/** The peak file (facts/peak.ts) in check's JSON and in check/watch -v lines. Pure. */
import type { PeakFact, PeakWrite } from '../facts/peak.js';
import { peakFile } from '../facts/peak.js';
import { escapeMessage } from '../config/escape.js';

/** check's JSON `peak`: the peak the host keeps after this check, and what this check did to the file. */
export interface CheckPeakJson {
  /** The kept peak's count; null when the host keeps none (or it could not be read). */
  count: number | null;
  /** When it was seen, ISO 8601 UTC; null with count. */
  at: string | null;
  /** Which command saw it (`check`, `watch`); null with count. */
  source: string | null;
  /** wrote | not-higher | off (--no-peak) | no-count | not-writable | failed. */
  write: PeakWrite;
  /** ok | none | unreadable | invalid: what the file held before. */
  read: PeakFact['read'];
}

export function toPeakJson(fact: PeakFact | null | undefined): CheckPeakJson | null {
  if (!fact) return null;
  const kept = fact.kept;
  return {
    count: kept?.count ?? null,
    at: kept ? new Date(kept.atSeconds * 1000).toISOString() : null,
    source: kept?.source ?? null,
    write: fact.write,
    read: fact.read,
  };
}

const writeText: Record<PeakWrite, string> = {
  wrote: 'new peak written',
  'not-higher': 'count not above it: file unchanged',
  off: 'not written (--no-peak)',
  'no-count': 'nf_conntrack_count unreadable: file unchanged',
  'not-writable': 'skipped: the journal directory is not writable (not root: use become)',
  failed: 'write failed',
};

/** `HOST: peak 183442 (2026-11-30T03:05:13.000Z, check) in /var/…/peak: new peak written`, escaped. */
export function peakVerboseLine(host: string, fact: PeakFact): string {
  const kept = fact.kept
    ? `${fact.kept.count} (${new Date(fact.kept.atSeconds * 1000).toISOString()}, ${fact.kept.source})`
    : 'none kept';
  const read =
    fact.read === 'unreadable' ? ' (file unreadable)' : fact.read === 'invalid' ? ' (file held no peak line)' : '';
  const error = fact.write === 'failed' && fact.error ? `: ${fact.error}` : '';
  return escapeMessage(`${host}: peak ${kept}${read} in ${peakFile}: ${writeText[fact.write]}${error}`);
}
