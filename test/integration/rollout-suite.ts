/**
 * The lab of one rollout test file, as describe() hooks (lab-suite.ts useTestLab), with every host's state read
 * once, before any run, so a test can prove a host is back exactly. Call it inside describe(), before the suite's
 * own hooks: node:test runs hooks in the order they were registered, so those see the lab up.
 *
 *   describe('…', { skip: skipReason ?? false }, () => {
 *     const fleet = useRolloutLab(3, portBase);
 *     it('…', async () => { … runPlaybook(fleet, playbook, ['-o', 'plain']) … fleet.initial … });
 *   });
 */
import { before } from 'node:test';
import type { Lab } from '../lab/lab.js';
import { useTestLab } from './lab-suite.js';
import { fleetState } from './rollout-lab.js';
import type { TestLab } from './run-lab.js';

export interface RolloutSuiteLab extends TestLab {
  /** The lab's inventory file. */
  readonly inventory: string;
  /** Host names lab1..labN, in inventory order. */
  readonly names: string[];
  /** fleetState of every host right after the lab started. */
  readonly initial: Map<string, string>;
}

/** Hosts lab1..labCOUNT on ports from portBase; the fields are readable once the suite's `before` hooks ran. */
export function useRolloutLab(count: number, portBase: number): RolloutSuiteLab {
  const t = useTestLab('rollout', count, portBase);
  let initial: Map<string, string> | undefined;
  const names = (): string[] => t.lab.hosts.map((h) => h.name);
  before(async () => {
    initial = await fleetState(t.lab, names());
  });
  return {
    get lab(): Lab {
      return t.lab;
    },
    get tmp(): string {
      return t.tmp;
    },
    get inventory(): string {
      return t.lab.inventoryFile;
    },
    get names(): string[] {
      return names();
    },
    get initial(): Map<string, string> {
      if (!initial) throw new Error('the rollout lab is read in before(): read it inside a test or a later hook');
      return initial;
    },
  };
}
