/** Runs a script in the guest through the system `ssh` client (not the tool under test): sh -s reads it on stdin. */
import { runCommand, type CommandResult } from '../image/exec.js';

export interface SshTarget {
  port: number;
  privateKeyFile: string;
  knownHostsFile: string;
}

/** Pure: the ssh command line; strict host key checking against the VM's own known_hosts file. */
export function buildSshArgs(target: SshTarget): string[] {
  const options = {
    UserKnownHostsFile: target.knownHostsFile,
    StrictHostKeyChecking: 'yes',
    BatchMode: 'yes',
    IdentitiesOnly: 'yes',
    ConnectTimeout: '30',
    ServerAliveInterval: '10',
    ServerAliveCountMax: '6',
    LogLevel: 'ERROR',
  };
  const optionArgs = Object.entries(options).flatMap(([name, value]) => ['-o', `${name}=${value}`]);
  return [
    '-F',
    '/dev/null',
    '-i',
    target.privateKeyFile,
    '-p',
    String(target.port),
    ...optionArgs,
    'root@127.0.0.1',
    'sh -s',
  ];
}

export function runSsh(target: SshTarget, script: string, timeoutMs = 120_000): Promise<CommandResult> {
  return runCommand('ssh', buildSshArgs(target), { input: script, timeoutMs });
}
