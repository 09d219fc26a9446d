/** Which credentials to offer a host: its key file, else ssh-agent and/or the first default key. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type AnyAuthMethod, type ParsedKey } from 'ssh2';
import { ConnectError, errorMessage } from '../errors.js';
import type { HostTarget } from './connection.js';
import { readPassphrase, type PassphraseSources } from './passphrase.js';

export interface CredentialSources extends PassphraseSources {
  homeDir: string;
}

/** One auth method, with a label safe to print (a path or socket, never key material). */
export interface Credential {
  label: string;
  method: AnyAuthMethod;
}

export interface Credentials {
  methods: Credential[];
  /** Why a candidate was left out, for the 'auth' error if nothing else works. */
  notes: string[];
}

export const defaultKeyNames = ['id_ed25519', 'id_ecdsa', 'id_rsa'] as const;

// decrypting a key is slow and may prompt, so each file is loaded once per process
const loadedKeys = new Map<string, Promise<ParsedKey>>();

export async function resolveCredentials(
  target: Pick<HostTarget, 'name' | 'user' | 'privateKeyFile'>,
  sources: CredentialSources,
): Promise<Credentials> {
  const username = target.user;
  if (target.privateKeyFile) {
    const key = await loadPrivateKey(target.privateKeyFile, sources);
    return { methods: [keyCredential(target.privateKeyFile, username, key)], notes: [] };
  }
  const methods: Credential[] = [];
  const notes: string[] = [];
  const agent = await findAgentSocket(sources.env, notes);
  if (agent) methods.push({ label: `ssh-agent (${agent})`, method: { type: 'agent', username, agent } });
  const keyFile = await findDefaultKeyFile(sources.homeDir);
  if (keyFile) await addDefaultKey(methods, notes, keyFile, username, sources, agent !== null);
  if (methods.length === 0) {
    const tried = defaultKeyNames.map((n) => join(sources.homeDir, '.ssh', n)).join(', ');
    const why = [...notes, `none of ${tried} exists`].join('; ');
    throw new ConnectError('auth', `${target.name}: no SSH credentials to offer: ${why}`);
  }
  return { methods, notes };
}

async function addDefaultKey(
  methods: Credential[],
  notes: string[],
  keyFile: string,
  username: string,
  sources: CredentialSources,
  hasAgent: boolean,
): Promise<void> {
  try {
    methods.push(keyCredential(keyFile, username, await loadPrivateKey(keyFile, sources)));
  } catch (error) {
    // the agent may still get in, so an unusable default key is only a note
    if (!hasAgent) throw error;
    notes.push(errorMessage(error));
  }
}

function keyCredential(path: string, username: string, key: ParsedKey): Credential {
  return { label: `key ${path}`, method: { type: 'publickey', username, key } };
}

async function findAgentSocket(env: NodeJS.ProcessEnv, notes: string[]): Promise<string | null> {
  const socket = env['SSH_AUTH_SOCK'];
  if (!socket) return null;
  const isSocket = await stat(socket).then(
    (s) => s.isSocket(),
    () => false,
  );
  if (!isSocket) notes.push(`SSH_AUTH_SOCK (${socket}) is not a socket`);
  return isSocket ? socket : null;
}

export async function findDefaultKeyFile(homeDir: string): Promise<string | null> {
  for (const name of defaultKeyNames) {
    const path = join(homeDir, '.ssh', name);
    if (
      await stat(path).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return path;
  }
  return null;
}

/** The private key in `path`, decrypted with a passphrase when needed; cached per path for the process. */
export function loadPrivateKey(path: string, sources: PassphraseSources): Promise<ParsedKey> {
  let key = loadedKeys.get(path);
  if (!key) {
    key = readPrivateKey(path, sources);
    loadedKeys.set(path, key);
  }
  return key;
}

async function readPrivateKey(path: string, sources: PassphraseSources): Promise<ParsedKey> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new ConnectError('auth', `cannot read private key ${path}: ${errorMessage(error)}`, { cause: error });
  }
  let parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
    parsed = ssh2.utils.parseKey(data, await readPassphrase(path, sources));
    if (parsed instanceof Error) {
      throw new ConnectError('auth', `wrong passphrase for private key ${path}`, { cause: parsed });
    }
  }
  if (parsed instanceof Error || !parsed.isPrivateKey()) {
    const why = parsed instanceof Error ? parsed.message : 'it holds a public key';
    throw new ConnectError('auth', `cannot use private key ${path}: ${why}`, { cause: parsed });
  }
  return parsed;
}
