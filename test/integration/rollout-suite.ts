/**
 * The lab of one rollout test file, as describe() hooks: started in `before` (every host's state read once, before
 * any run, so a test can prove a host is back exactly), taken down in `after`. Call it inside describe(), before the
 * suite's own hooks: node:test runs hooks in the order they were registered, so those see the lab up.
 *
 *   describe('…', { skip: skipReason ?? false }, () => {
 *     const fleet = useRolloutLab(3, portBase);
 *     it('…', async () => { … runCli(['run', playbook, '-i', fleet.inventory]) … fleet.initial … });
 *   });
 */
import { after, before } from 'node:test';
import type { Lab } from '../lab/lab.js';
import { fleetState, startRolloutLab, type RolloutLab } from './rollout-lab.js';

export interface RolloutSuiteLab extends Omit<RolloutLab, 'down'> {
  /** fleetState of every host right after the lab started. */
  readonly initial: Map<string, string>;
}

/** Hosts lab1..labCOUNT on ports from portBase; the fields are readable once the suite's `before` hooks ran. */
export function useRolloutLab(count: number, portBase: number): RolloutSuiteLab {
  let fleet: RolloutLab | undefined;
  let initial = new Map<string, string>();
  before(async () => {
    fleet = await startRolloutLab(count, portBase);
    initial = await fleetState(fleet.lab, fleet.names);
  });
  after(async () => {
    await fleet?.down();
  });
  const started = (): RolloutLab => {
    if (!fleet) throw new Error('the rollout lab is started in before(): read it inside a test or a later hook');
    return fleet;
  };
  return {
    get lab(): Lab {
      return started().lab;
    },
    get tmp(): string {
      return started().tmp;
    },
    get inventory(): string {
      return started().inventory;
    },
    get names(): string[] {
      return started().names;
    },
    get initial(): Map<string, string> {
      started();
      return initial;
    },
  };
}
