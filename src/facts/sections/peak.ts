/**
 * The host's peak file (facts/peak.ts: the shell and the parser of the `peak` file beside the journals): check keeps
 * it (raised to the count now when that is higher), advise only reads it; without `request.peak` (run, gate,
 * restore) the section prints nothing and the file is not touched.
 */
import { peakGatherSh, readPeakSection } from '../peak.js';
import type { FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

export const peakSection: FactSection<Pick<HostFacts, 'peak'>> = {
  name: 'peak',
  sh: (request) => (request.peak ? peakGatherSh(request.peak) : ''),
  read: ({ frame, request }) => (request.peak ? { peak: readPeakSection(frame) } : {}),
};
