/** `Connect` implemented with ssh2: credentials, known_hosts, handshake, then a ready Connection. */
import { homedir } from 'node:os';
import { Client, type AuthHandlerMiddleware, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Connect, ConnectOptions, Connection, HostTarget } from './connection.js';
import { ConnectError, errorMessage } from '../errors.js';
import { classifyConnectError } from './connect-errors.js';
import { resolveCredentials, type Credential, type CredentialSources } from './credentials.js';
import { createHostKeyCheck, orderHostKeyAlgorithms, type HostKeyCheck } from './host-verifier.js';
import { chooseKnownHostsFiles, loadKnownHostsFiles } from './known-hosts-file.js';
import { knownKeyTypes } from './known-hosts.js';
import { terminalPrompt } from './passphrase.js';
import { createSshConnection } from './ssh-connection.js';

/** Where credentials come from; injectable so tests never touch the real ~/.ssh or agent. */
export type SshEnvironment = CredentialSources;

export function processSshEnvironment(): SshEnvironment {
  return { env: process.env, homeDir: homedir(), prompt: terminalPrompt() };
}

export function createSshConnect(environment: () => SshEnvironment = processSshEnvironment): Connect {
  return async (target, options) => {
    const sources = environment();
    const files = chooseKnownHostsFiles(options, target, sources.homeDir);
    const entries = await loadKnownHostsFiles(files).catch((error: unknown) => {
      // fail closed: ssh skips an unreadable file, but it may be the one pinning this host's key
      throw new ConnectError('host-key-unknown', `${target.name}: ${errorMessage(error)}; host keys cannot be checked without it`, { cause: error });
    });
    // before the handshake, so a passphrase prompt does not eat into connectTimeoutMs
    const credentials = await resolveCredentials(target, sources);
    const hostKeys = createHostKeyCheck({
      target,
      files,
      entries,
      acceptNewHostKeys: options.acceptNewHostKeys,
      homeDir: sources.homeDir,
      ...(options.onHostKeyAdded ? { onHostKeyAdded: options.onHostKeyAdded } : {}),
    });
    const algorithms = orderHostKeyAlgorithms(knownKeyTypes(entries, target.address, target.port));
    return handshake(target, options, { methods: credentials.methods, notes: credentials.notes, hostKeys, algorithms });
  };
}

export const connectSsh: Connect = createSshConnect();

interface HandshakePlan {
  methods: Credential[];
  notes: string[];
  hostKeys: HostKeyCheck;
  algorithms: ServerHostKeyAlgorithm[];
}

function handshake(target: HostTarget, options: ConnectOptions, plan: HandshakePlan): Promise<Connection> {
  const client = new Client();
  const tried: string[] = [];
  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      const hostKeyRefusal = plan.hostKeys.refusal();
      const attempt = { target, connectTimeoutMs: options.connectTimeoutMs, authMethods: tried, authNotes: plan.notes, hostKeyRefusal };
      reject(classifyConnectError(error, attempt));
    };
    const onClose = () => fail(new Error('connection closed during the SSH handshake'));
    // stays attached after a failure: ssh2 may report more errors while tearing down, and an unheard one would crash
    client.on('error', fail);
    client.on('close', onClose);
    client.once('ready', () => {
      if (settled) return void client.end();
      settled = true;
      const connection = createSshConnection(client, target);
      client.off('error', fail);
      client.off('close', onClose);
      resolve(connection);
    });
    client.connect(clientConfig(target, options, plan, tried));
  });
}

function clientConfig(target: HostTarget, options: ConnectOptions, plan: HandshakePlan, tried: string[]): ConnectConfig {
  const queue = [...plan.methods];
  const authHandler: AuthHandlerMiddleware = (_left, _partial, next) => {
    const credential = queue.shift();
    if (credential) tried.push(credential.label);
    // ssh2 takes `false` for "no more methods"; its type definitions omit that
    next(credential ? credential.method : (false as never));
  };
  return {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    hostVerifier: plan.hostKeys.verifier,
    algorithms: { serverHostKey: plan.algorithms },
    authHandler,
  };
}
