/** The change engine's public API: apply a step's Changes in one round trip, read them back, undo them. */
export type { Change, KnobChange, KnobMirror } from './change.js';
export { buildApplyScript, type ApplyScriptOptions } from './apply-script.js';
export { parseApplyOutput, isApplyComplete, type ChangeOutcome, type ChangeStatus } from './apply-output.js';
export { verifyReadBack, type ReadBack, type FileReadBack, type ValueReadBack, type Verification } from './verify.js';
export { invertChange, invertChanges } from './invert.js';
export { describeChange } from './describe.js';
export { diffFile } from './diff.js';
export { mirrorsOf } from './knob-change.js';
