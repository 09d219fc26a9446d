/** Real `ssh-keygen` for tests: make key pairs and read fingerprints the way OpenSSH prints them. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const sshKeygenPath = '/usr/bin/ssh-keygen';

export function sshKeygenMissing(): string | undefined {
  return existsSync(sshKeygenPath) ? undefined : `${sshKeygenPath} is not installed`;
}

export interface GeneratedKey {
  privateFile: string;
  publicFile: string;
  /** `type base64 comment`, as written to authorized_keys. */
  publicLine: string;
  /** The raw public key blob. */
  blob: Buffer;
}

export function generateKey(
  dir: string,
  name: string,
  options: { type?: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string } = {},
): GeneratedKey {
  const privateFile = join(dir, name);
  const type = options.type ?? 'ed25519';
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync(sshKeygenPath, [
    '-q',
    '-t',
    type,
    ...bits,
    '-N',
    options.passphrase ?? '',
    '-C',
    name,
    '-f',
    privateFile,
  ]);
  return readPublicKey(privateFile);
}

export function readPublicKey(privateFile: string): GeneratedKey {
  const publicFile = `${privateFile}.pub`;
  const publicLine = readFileSync(publicFile, 'utf8').trim();
  const blob = Buffer.from(publicLine.split(' ')[1] ?? '', 'base64');
  return { privateFile, publicFile, publicLine, blob };
}

/** The `SHA256:…` field of `ssh-keygen -lf FILE`. */
export function sshKeygenFingerprint(publicFile: string): string {
  const output = execFileSync(sshKeygenPath, ['-l', '-E', 'sha256', '-f', publicFile], { encoding: 'utf8' });
  const fingerprint = output.split(' ')[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${output}`);
  return fingerprint;
}

/** Line numbers `ssh-keygen -F NAME -f FILE` reports as matching (it takes NAME literally). */
export function sshKeygenFindLines(knownHostsFile: string, name: string): number[] {
  let output = '';
  try {
    output = execFileSync(sshKeygenPath, ['-F', name, '-f', knownHostsFile], { encoding: 'utf8' });
  } catch (error) {
    // exit status 1 means "no match"
    if ((error as { status?: number }).status !== 1) throw error;
  }
  return [...output.matchAll(/^# Host .* found: line (\d+)/gm)].map((m) => Number(m[1]));
}
