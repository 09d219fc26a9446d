/** .lab/state.json: everything `down` needs to undo a lab, written after every process the lab starts. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const processRefSchema = z.object({ pid: z.number().int().positive(), startTime: z.string() });

const hostRecordSchema = z.object({
  name: z.string(),
  index: z.number().int().positive(),
  dir: z.string(),
  holder: processRefSchema.extend({ mntNamespace: z.string() }),
  port: z.number().int().optional(),
  listener: processRefSchema.optional(),
});

const labStateSchema = z.object({
  version: z.literal(1),
  dir: z.string(),
  inventoryFile: z.string(),
  knownHostsFile: z.string(),
  privateKeyFile: z.string(),
  hostCount: z.number().int().nonnegative(),
  hosts: z.array(hostRecordSchema),
});

export type HostRecord = z.infer<typeof hostRecordSchema>;
export type LabState = z.infer<typeof labStateSchema>;

export function readLabState(stateFile: string): LabState {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    throw new Error(`no lab state at ${stateFile} (is a lab up?)`, { cause: error });
  }
  return labStateSchema.parse(JSON.parse(text));
}

/** Synchronous so that concurrent host startups can never interleave two writes. */
export function writeLabState(stateFile: string, state: LabState): void {
  const sorted = { ...state, hosts: [...state.hosts].sort((a, b) => a.index - b.index) };
  writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(`${stateFile}.tmp`, stateFile);
}
