/** The listr2 task type the check reporter's tree is built from (the run tree draws its own frames: tree-frame.ts). */
import type { ListrRendererFactory, ListrTask } from 'listr2';

export type TreeTask = ListrTask<object, ListrRendererFactory, ListrRendererFactory>;
