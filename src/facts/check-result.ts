/** One host's answer to `check`. */
import type { HostFacts } from './types.js';

export interface CheckResult {
  host: string;
  reachable: boolean;
  /** Why the host could not be read (unreachable, auth, host key …), else null. */
  error: string | null;
  facts: HostFacts | null;
}
