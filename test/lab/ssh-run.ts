/** Runs a command on a lab host through the REAL OpenSSH client, with strict host key checking against the lab's known_hosts. */
import { spawn } from 'node:child_process';
import type { Lab } from './lab.js';

export interface SshRunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface SshTarget {
  port: number;
  privateKeyFile: string;
  knownHostsFile: string;
}

/** `-F /dev/null` so the machine's own ssh config and keys never take part. */
export function sshArgs(target: SshTarget, command: string): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    target.privateKeyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${target.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    // The post-quantum default KEX costs ~0.2 s of CPU per login on a small shared machine.
    '-o',
    'KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org',
    '-o',
    'ConnectTimeout=10',
    '-p',
    String(target.port),
    'root@127.0.0.1',
    command,
  ];
}

export function runSshTo(target: SshTarget, command: string, timeoutMs = 30_000): Promise<SshRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(target, command), { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('error', (error) => reject(new Error('ssh failed to start', { cause: error })));
    child.once('close', (code) => resolve({ stdout, stderr, exitCode: code }));
  });
}

export function runSsh(lab: Lab, hostName: string, command: string): Promise<SshRunResult> {
  const host = lab.hosts.find((candidate) => candidate.name === hostName);
  if (!host) throw new Error(`no lab host named ${hostName}`);
  return runSshTo({ port: host.port, privateKeyFile: lab.privateKeyFile, knownHostsFile: lab.knownHostsFile }, command);
}
