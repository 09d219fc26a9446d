/** listr2 tasks for the run tree: batch → host → step; each task waits on the state that events settle. */
import type { ListrRendererFactory, ListrTask, ListrTaskWrapper } from 'listr2';
import type { BatchView, HostView, StepView, TreeState } from './tree-state.js';
import { escapeOutput } from '../config/escape.js';

type Wrapper = ListrTaskWrapper<object, ListrRendererFactory, ListrRendererFactory>;
export type TreeTask = ListrTask<object, ListrRendererFactory, ListrRendererFactory>;

// a failed host, step or gate must never stop its siblings
const siblingOptions = { exitOnError: false } as const;

/** Hosts at the top when there is one batch; otherwise one task per batch, run in order. */
export function buildRootTasks(state: TreeState): TreeTask[] {
  const [only] = state.batches;
  if (state.batches.length === 1 && only) return buildBatchMembers(only);
  return state.batches.map(buildBatchTask);
}

function buildBatchTask(batch: BatchView): TreeTask {
  return {
    title: batch.title.text ?? batch.name,
    task: (_ctx, task: Wrapper) => {
      attachTitle(batch.title, task);
      return task.newListr(buildBatchMembers(batch), { ...siblingOptions, concurrent: true });
    },
  };
}

function buildBatchMembers(batch: BatchView): TreeTask[] {
  return [...batch.hosts.map(buildHostTask), buildGateTask(batch)];
}

/** Untitled (so invisible) until gate-start gives it a title. */
function buildGateTask(batch: BatchView): TreeTask {
  return {
    task: async (_ctx, task: Wrapper) => {
      attachTitle(batch.gate.title, task);
      await batch.gate.done.promise;
      if (batch.gate.passed === false) throw new Error(batch.gate.title.text ?? 'gate failed');
    },
  };
}

function buildHostTask(view: HostView): TreeTask {
  return {
    title: view.title.text ?? view.host,
    task: async (_ctx, task: Wrapper) => {
      attachTitle(view.title, task);
      if ((await view.firstActivity.promise) === 'steps') {
        const steps = [...view.steps.map(buildStepTask), buildRollbackTask(view)];
        return task.newListr(steps, { ...siblingOptions, concurrent: false });
      }
      const result = await view.ended.promise;
      const title = view.title.text ?? view.host;
      if (result === null || result.outcome === 'skipped') task.skip(title);
      else if (result.outcome !== 'changed' && result.outcome !== 'unchanged') throw new Error(title);
      return undefined;
    },
  };
}

function buildStepTask(step: StepView): TreeTask {
  return {
    title: step.title.text ?? step.label,
    task: async (_ctx, task: Wrapper) => {
      attachTitle(step.title, task);
      const result = await step.done.promise;
      const title = step.title.text ?? step.label;
      if (result === null || result.outcome === 'not-run') task.skip(title);
      else if (result.outcome === 'failed') throw new Error(title);
    },
  };
}

/** Untitled (so invisible) unless the host rolls back; it also holds the host open until its verdict arrives. */
function buildRollbackTask(view: HostView): TreeTask {
  return {
    task: async (_ctx, task: Wrapper) => {
      attachTitle(view.rollback.title, task);
      const ok = await view.rollback.done.promise;
      // a closed task keeps its last rendered title, so wait for host-end to set the final one
      await view.ended.promise;
      if (ok === false) throw new Error(view.rollback.title.text ?? 'ROLLBACK FAILED');
    },
  };
}

function attachTitle(slot: { attach(sink: (text: string) => void): void }, task: Wrapper): void {
  slot.attach((text) => {
    task.title = escapeOutput(text);
  });
}
