/**
 * Where conntrack-fleet keeps its state on a host. One place, because two layers name it: runner/journal.ts (the run
 * journals) and facts/peak.ts (the peak file check and watch keep beside them).
 */
export const journalDir = '/var/lib/conntrack-fleet/journal';
