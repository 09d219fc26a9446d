/** One lab host from start to stop: files, namespace holder, SSH listener. */
import { hostPathsFor, type LabPaths } from './layout.js';
import { prepareHostFiles } from './host-files.js';
import { startHolder } from './holder.js';
import { PortTakenError, startListener } from './listener.js';
import type { PortAllocator } from './ports.js';
import { isRunning, killNamespaceMembers, signalPid, waitForExit } from './processes.js';
import type { HostRecord } from './state.js';

const portAttempts = 5;

export interface StartHostInput {
  lab: LabPaths;
  name: string;
  index: number;
  /** Probed free before any host started, so ports follow host order; `ports` supplies replacements. */
  firstPort: number;
  ports: PortAllocator;
  /** Called whenever a process was started, so the state file can always undo what exists. */
  onProgress(record: HostRecord): void;
}

/** On failure, whatever this host had started is stopped before the error propagates. */
export async function startHost(input: StartHostInput): Promise<HostRecord> {
  const paths = hostPathsFor(input.lab, input.name);
  await prepareHostFiles(input.lab, paths, input.index);
  const holder = await startHolder(input.name, paths);
  let record: HostRecord = { name: input.name, index: input.index, dir: paths.dir, holder };
  input.onProgress(record);
  try {
    for (let attempt = 1; ; attempt++) {
      const port = attempt === 1 ? input.firstPort : await input.ports.next();
      const listenerInput = { port, holderPid: holder.pid, logFile: paths.listenerLogFile, ...paths };
      try {
        const listener = await startListener(listenerInput);
        record = { ...record, port, listener };
        input.onProgress(record);
        return record;
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= portAttempts) throw error;
      }
    }
  } catch (error) {
    await stopHost(record);
    throw error;
  }
}

/** Kills the listener's process group, then every process inside the host's namespaces; the mounts die with them. */
export async function stopHost(record: HostRecord): Promise<void> {
  const listener = record.listener;
  if (listener && isRunning(listener)) {
    signalPid(-listener.pid, 'SIGKILL');
    await waitForExit(listener.pid);
  }
  // A dead holder's namespace id may since have been reused by someone else's namespace: leave it alone.
  if (!isRunning(record.holder)) return;
  await killNamespaceMembers(record.holder.mntNamespace);
  await waitForExit(record.holder.pid);
}
