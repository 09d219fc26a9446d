/** A running lab, rebuilt from its state file: direct access to hosts (nsenter), fault injection, and teardown. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { quoteShell } from '../../src/transport/quote.js';
import { stopHost } from './host.js';
import { hostPathsFor, labPathsFor, type KnobName } from './layout.js';
import { renderKnobModeScript } from './namespace-script.js';
import { isRunning } from './processes.js';
import { addToStatColumn } from './stat-standin.js';
import { readLabState, type HostRecord, type LabState } from './state.js';
import type { Lab, LabExecResult, LabHost } from './lab.js';

const rootPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const defaultExecTimeoutMs = 30_000;

export function openLabFromState(dir: string): Lab {
  const paths = labPathsFor(dir);
  const state = readLabState(paths.stateFile);
  const recordOf = (host: string): HostRecord => {
    const record = state.hosts.find((candidate) => candidate.name === host);
    if (!record) throw new Error(`no lab host named ${host} (hosts: ${state.hosts.map((h) => h.name).join(', ')})`);
    return record;
  };
  const execChecked = async (host: string, script: string): Promise<void> => {
    const result = await execInHost(recordOf(host), script);
    if (result.exitCode !== 0)
      throw new Error(`lab ${host}: \`${script}\` failed (${result.exitCode}): ${result.stderr.trim()}`);
  };
  return {
    dir: paths.dir,
    hosts: state.hosts.map(toLabHost),
    inventoryFile: state.inventoryFile,
    knownHostsFile: state.knownHostsFile,
    privateKeyFile: state.privateKeyFile,
    exec: (host, script, options) => execInHost(recordOf(host), script, options?.timeoutMs),
    setKnobReadOnly: (host, knob: KnobName, readOnly) => execChecked(host, renderKnobModeScript(knob, readOnly)),
    setModuleUse: (host, module, extraRefs) =>
      execChecked(host, `/usr/local/sbin/lab-kmod use ${quoteShell(module)} ${quoteShell(extraRefs)}`),
    addDrops: (host, count, column = 'drop') =>
      addToStatFile(hostPathsFor(paths, recordOf(host).name).statFile, column, count),
    down: () => takeDown(paths.stateFile, state),
  };
}

function toLabHost(record: HostRecord): LabHost {
  return {
    name: record.name,
    port: record.port ?? 0,
    dir: record.dir,
    holderPid: record.holder.pid,
    listenerPid: record.listener?.pid ?? 0,
  };
}

/** Runs `sh -c script` as root inside the host's net, mount and UTS namespaces; the script is never parsed by a shell here. */
function execInHost(record: HostRecord, script: string, timeoutMs = defaultExecTimeoutMs): Promise<LabExecResult> {
  // A reused PID would put the script in a stranger's namespaces.
  if (!isRunning(record.holder)) return Promise.reject(new Error(`lab host ${record.name} is not running`));
  const args = ['-t', String(record.holder.pid), '-n', '-m', '-u', '--', 'sh', '-c', script];
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', args, {
      cwd: '/',
      env: { PATH: rootPath, HOME: '/root', LANG: 'C.UTF-8', USER: 'root', LOGNAME: 'root' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('error', (error) => reject(new Error(`lab ${record.name}: nsenter failed to start`, { cause: error })));
    child.once('close', (code) => resolve({ stdout, stderr, exitCode: code }));
  });
}

/** Replaced by rename(2), so a concurrent reader never sees half a file. */
async function addToStatFile(file: string, column: string, count: number): Promise<void> {
  const next = addToStatColumn(await readFile(file, 'utf8'), column, count);
  await writeFile(`${file}.tmp`, next);
  await rename(`${file}.tmp`, file);
}

/** Idempotent: a lab whose state file is gone counts as down. */
async function takeDown(stateFile: string, state: LabState): Promise<void> {
  if (!existsSync(stateFile)) return;
  await Promise.all(state.hosts.map(stopHost));
  const paths = labPathsFor(state.dir);
  const files = [state.inventoryFile, state.knownHostsFile, paths.privateKeyFile, paths.publicKeyFile];
  await Promise.all([...files, paths.authorizedKeysFile].map((file) => rm(file, { force: true })));
  await rm(paths.hostsDir, { recursive: true, force: true });
  await rm(stateFile, { force: true });
  await rmdir(paths.dir).catch(() => undefined); // left in place when the user keeps other files there
}
