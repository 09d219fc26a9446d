/**
 * ProxyJump / ProxyCommand settings as OpenSSH reads them (pure). Rules, from ssh_config(5) and ssh(1):
 * - ProxyJump is `[user@]host[:port]` or `ssh://[user@]host[:port]`, several separated by commas, visited in
 *   order; `none` disables it.
 * - ProxyJump and ProxyCommand compete: whichever is obtained first wins, and (first value wins) the
 *   command line (-J, -o) beats the config file.
 * - The destination's own settings do not apply to jump hosts; each jump host gets its own Host block.
 */
import { ConnectError, errorMessage } from '../errors.js';

/** One hop as written: `user@host:port`; missing parts come from the hop's own ssh_config block. */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

/** What a host's ssh options say about proxying; `source` names where it was set, for messages. */
export type ProxySetting =
  | { kind: 'none'; source: string }
  | { kind: 'jump'; jumps: JumpSpec[]; source: string }
  | { kind: 'command'; command: string; source: string }
  /** A value ssh would reject: the host is refused rather than reached some other way. */
  | { kind: 'invalid'; reason: string; source: string };

/** A jump host resolved through its own ssh_config block: where and how to reach it. */
export interface JumpHost {
  /** The alias as written in ProxyJump, used in messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  knownHostsFile?: string;
  additionalKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
}

/**
 * How to reach a target: straight, through jump hosts (connection order: first hop first), over a
 * ProxyCommand's stdio (`alias`: the name before HostName, ssh's %n), or not at all.
 */
export type Route =
  | { kind: 'direct' }
  | { kind: 'jump'; hops: JumpHost[] }
  | { kind: 'command'; command: string; source: string; alias: string }
  | { kind: 'refused'; reason: string };

/** `bastion`, `ops@bastion:2222`, `[fe80::1]:22`, `ssh://ops@bastion:2222`; a string says what is wrong. */
export function parseJumpSpec(text: string): JumpSpec | string {
  const uri = /^ssh:\/\/(.*?)\/?$/i.exec(text);
  const rest = uri ? (uri[1] ?? '') : text;
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  const hostPort = at >= 0 ? rest.slice(at + 1) : rest;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:\s[\]]+)(?::(\d+))?$/.exec(hostPort);
  if (!match || user === '') return `"${text}" is not [user@]host[:port]`;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return `"${text}": port must be 1-65535`;
  const spec: JumpSpec = { host: match[1] ?? '' };
  if (user !== undefined) spec.user = user;
  if (port !== undefined) spec.port = port;
  return spec;
}

/** A ProxyJump value: `none`, or comma-separated hops. */
export function parseProxyJump(value: string, source: string): ProxySetting | string {
  if (value.toLowerCase() === 'none') return { kind: 'none', source };
  const jumps: JumpSpec[] = [];
  for (const part of value.split(',')) {
    const spec = parseJumpSpec(part.trim());
    if (typeof spec === 'string') return `ProxyJump ${spec}`;
    jumps.push(spec);
  }
  return { kind: 'jump', jumps, source };
}

/** A ProxyCommand value: `none`, or a command run by the shell. */
export function parseProxyCommand(value: string, source: string): ProxySetting {
  return value.trim().toLowerCase() === 'none'
    ? { kind: 'none', source }
    : { kind: 'command', command: value.trim(), source };
}

/** `user@host:port` of a hop, for messages. */
export function describeJumpSpec(spec: JumpSpec): string {
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.user ? `${spec.user}@` : ''}${host}${spec.port ? `:${spec.port}` : ''}`;
}

/**
 * A jump host's credential or login failure, told as the hop's: its name and address first (a key file message
 * alone reads as the target's), and the reason it is a common trap — a hop logs in with its OWN ssh_config block
 * (User, IdentityFile) or the default keys, never the target's inventory user and key (ssh_config(5) ProxyJump).
 * Other failures (unreachable, host keys) already name the hop and are returned as they are.
 */
export function describeHopFailure(hop: JumpHost, error: unknown): unknown {
  if (!(error instanceof ConnectError) || error.failure !== 'auth') return error;
  const label = `jump host ${hop.name}`;
  const said = errorMessage(error);
  const named = said.startsWith(label) ? said : `${label} (${hop.address}:${hop.port}): ${said}`;
  const key = hop.privateKeyFile
    ? `key ${hop.privateKeyFile} from its IdentityFile`
    : 'no IdentityFile, so the default ~/.ssh/id_* keys and ssh-agent';
  const how = `it logs in as ${hop.user} with ${key}; set User and IdentityFile in a "Host ${hop.name}" block of the ssh config (-F) — the target's ansible_user and key do not apply to a jump host`;
  return new ConnectError('auth', `${named}; ${how}`, { cause: error });
}
