/**
 * Every fact section, in the order the gather script runs them: later sections' shell may use variables set by
 * earlier ones (identity sets cf_kernel; modules sets cf_loaded and cf_builtins for conntrack and rules).
 */
import type { FactSection } from '../section.js';
import type { HostFacts } from '../types.js';
import { bootConfigSection } from './boot-config.js';
import { conntrackSection } from './conntrack.js';
import { filesSection } from './files.js';
import { identitySection } from './identity.js';
import { knobsSection } from './knobs.js';
import { kubeProxySection } from './kube-proxy.js';
import { modulesSection } from './modules.js';
import { peakSection } from './peak.js';
import { rulesSection } from './rules.js';
import { slabinfoSection } from './slabinfo.js';
import { statsSection } from './stats.js';

export const factSections = [
  identitySection,
  modulesSection,
  conntrackSection,
  knobsSection,
  statsSection,
  slabinfoSection,
  rulesSection,
  kubeProxySection,
  filesSection,
  bootConfigSection,
  peakSection,
] as const;

type ReadOf<S> = S extends FactSection<infer T> ? T : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** What the readers yield together; the assignment below fails to compile when a HostFacts field has no section. */
export type SectionFacts = Intersect<ReadOf<(typeof factSections)[number]>>;
type Covered = SectionFacts & Pick<HostFacts, 'problems'>;
const everyFieldHasASection: (facts: Covered) => HostFacts = (facts) => facts;
void everyFieldHasASection;
