/** SSH keys: one test client key per cache dir (reused across images), one host key per image. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from './exec.js';

export interface KeyPair {
  privateKeyFile: string;
  publicKey: string;
}

async function generateKey(privateKeyFile: string, comment: string): Promise<KeyPair> {
  if (!existsSync(privateKeyFile)) {
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKeyFile]);
  }
  return { privateKeyFile, publicKey: await readFile(`${privateKeyFile}.pub`, 'utf8') };
}

export function ensureClientKey(cacheDir: string): Promise<KeyPair> {
  return generateKey(join(cacheDir, 'id_ed25519'), 'conntrack-fleet-kernel-tests');
}

export function generateHostKey(imageDir: string): Promise<KeyPair> {
  return generateKey(join(imageDir, 'ssh_host_ed25519_key'), 'root@vm1');
}
