/** `Connect` implemented with ssh2: credentials, known_hosts, handshake, then a ready Connection. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import { Client, type AuthHandlerMiddleware, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Connect, ConnectOptions, HostTarget } from './connection.js';
import { ConnectError, errorMessage } from '../errors.js';
import { classifyConnectError } from './connect-errors.js';
import { resolveCredentials, type Credential, type CredentialSources } from './credentials.js';
import { cipherAlgorithms, kexAlgorithms } from './algorithms.js';
import { createHostKeyCheck, orderHostKeyAlgorithms, type HostKeyCheck } from './host-verifier.js';
import { chooseKnownHostsFiles, loadKnownHostsFiles } from './known-hosts-file.js';
import { createJumpPool } from './jump-pool.js';
import { knownKeyTypes } from './known-hosts.js';
import { terminalPrompt } from './passphrase.js';
import { connectViaCommand, connectViaJumps, type Endpoint, type OpenClient } from './proxy-connect.js';
import { describeHopFailure, type Route } from './proxy-jump.js';
import { resolveRoute } from './proxy-route.js';
import { createSshConnection } from './ssh-connection.js';

/** Where credentials come from; injectable so tests never touch the real ~/.ssh or agent. */
export type SshEnvironment = CredentialSources;

export function processSshEnvironment(): SshEnvironment {
  return { env: process.env, homeDir: homedir(), prompt: terminalPrompt() };
}

/**
 * Connects straight, through the target's jump hosts, or over its ProxyCommand (its Route): each jump host is
 * verified and authenticated with its own known_hosts/credentials first. A host whose route is refused is
 * never contacted, directly or otherwise.
 */
export function createSshConnect(environment: () => SshEnvironment = processSshEnvironment): Connect {
  const open: OpenClient = (endpoint, options, sock) => openClient(endpoint, options, environment(), sock);
  const jumps = createJumpPool((hop, options, sock) =>
    open({ ...hop, name: `jump host ${hop.name}` }, options, sock).catch((error: unknown) => {
      throw describeHopFailure(hop, error);
    }),
  );
  return async (target, options) => {
    const route = routeOf(target);
    switch (route.kind) {
      case 'refused':
        throw new ConnectError('unreachable', `${target.name}: ${route.reason}`);
      case 'jump':
        return connectViaJumps(target, route.hops, options, jumps, open);
      case 'command':
        return connectViaCommand(target, route, options, open);
      case 'direct':
        return createSshConnection(await open(target, options), target);
    }
  };
}

/** Targets built without an ssh config still honour their inventory's -J / ProxyJump / ProxyCommand. */
function routeOf(target: HostTarget): Route {
  if (target.route) return target.route;
  return resolveRoute(
    target.proxy,
    { config: { blocks: [], notes: [] }, home: homedir(), fileExists: existsSync },
    target.address,
  );
}

async function openClient(
  endpoint: Endpoint,
  options: ConnectOptions,
  sources: SshEnvironment,
  sock?: Duplex,
): Promise<Client> {
  const files = chooseKnownHostsFiles(options, endpoint, sources.homeDir);
  const entries = await loadKnownHostsFiles(files).catch((error: unknown) => {
    // fail closed: ssh skips an unreadable file, but it may be the one pinning this host's key
    throw new ConnectError(
      'host-key-unknown',
      `${endpoint.name}: ${errorMessage(error)}; host keys cannot be checked without it`,
      { cause: error },
    );
  });
  // before the handshake, so a passphrase prompt does not eat into connectTimeoutMs
  const credentials = await resolveCredentials(endpoint, sources);
  const hostKeys = createHostKeyCheck({
    target: endpoint,
    files,
    entries,
    acceptNewHostKeys: options.acceptNewHostKeys,
    homeDir: sources.homeDir,
    ...(options.onHostKeyAdded ? { onHostKeyAdded: options.onHostKeyAdded } : {}),
  });
  const algorithms = orderHostKeyAlgorithms(knownKeyTypes(entries, endpoint.address, endpoint.port));
  const plan = { methods: credentials.methods, notes: credentials.notes, hostKeys, algorithms };
  return handshake(endpoint, options, plan, sock);
}

export const connectSsh: Connect = createSshConnect();

interface HandshakePlan {
  methods: Credential[];
  notes: string[];
  hostKeys: HostKeyCheck;
  algorithms: ServerHostKeyAlgorithm[];
}

function handshake(target: Endpoint, options: ConnectOptions, plan: HandshakePlan, sock?: Duplex): Promise<Client> {
  const client = new Client();
  const tried: string[] = [];
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      const hostKeyRefusal = plan.hostKeys.refusal();
      const attempt = {
        target,
        connectTimeoutMs: options.connectTimeoutMs,
        authMethods: tried,
        authNotes: plan.notes,
        hostKeyRefusal,
      };
      reject(classifyConnectError(error, attempt));
    };
    const onClose = () => fail(new Error('connection closed during the SSH handshake'));
    // stays attached after a failure: ssh2 may report more errors while tearing down, and an unheard one would crash
    client.on('error', fail);
    client.on('close', onClose);
    client.once('ready', () => {
      if (settled) return void client.end();
      settled = true;
      client.off('error', fail);
      client.off('close', onClose);
      resolve(client);
    });
    client.connect({ ...clientConfig(target, options, plan, tried), ...(sock ? { sock } : {}) });
  });
}

function clientConfig(target: Endpoint, options: ConnectOptions, plan: HandshakePlan, tried: string[]): ConnectConfig {
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
    algorithms: { serverHostKey: plan.algorithms, kex: kexAlgorithms, cipher: cipherAlgorithms },
    authHandler,
  };
}
