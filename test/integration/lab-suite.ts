/**
 * The lab of one integration test file, as describe() hooks: started in `before`, taken down in `after`. Call it
 * inside describe(), before the suite's own hooks: node:test runs hooks in the order they were registered, so the
 * suite's `before` sees the lab up. Its `after` hooks run after the lab is down: what must be undone first (an
 * immutable flag, a read-only mount) goes in `beforeDown`.
 *
 *   describe('…', { skip: labSkip }, () => {
 *     const t = useTestLab('run-x', 2, portBase);
 *     before(async () => { await writeKnob(t.lab, 'lab2', …); });
 *     it('…', async () => { const run = await runPlaybook(t, playbook); … });
 *   });
 */
import { after, before } from 'node:test';
import type { Lab } from '../lab/lab.js';
import { startTestLab, type StartedTestLab, type TestLab } from './run-lab.js';

export interface TestLabHooks {
  /** Runs in `after`, while the lab is still up (not when it never started). */
  beforeDown?: (t: TestLab) => Promise<unknown>;
}

/** Hosts lab1..labCOUNT on ports from portBase, temp dir conntrack-NAME-*; readable once `before` hooks ran. */
export function useTestLab(name: string, count: number, portBase: number, hooks: TestLabHooks = {}): TestLab {
  let started: StartedTestLab | undefined;
  before(async () => {
    started = await startTestLab(name, count, portBase);
  });
  after(async () => {
    if (!started) return;
    try {
      await hooks.beforeDown?.(started);
    } finally {
      await started.down();
    }
  });
  const up = (): StartedTestLab => {
    if (!started) throw new Error(`the ${name} lab is started in before(): read it inside a test or a later hook`);
    return started;
  };
  return {
    get lab(): Lab {
      return up().lab;
    },
    get tmp(): string {
      return up().tmp;
    },
  };
}
