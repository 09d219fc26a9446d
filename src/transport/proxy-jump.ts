/**
 * ProxyJump / ProxyCommand settings as OpenSSH reads them (pure). Rules, from ssh_config(5) and ssh(1):
 * - ProxyJump is `[user@]host[:port]` or `ssh://[user@]host[:port]`, several separated by commas, visited in
 *   order; `none` disables it.
 * - ProxyJump and ProxyCommand compete: whichever is obtained first wins, and (first value wins) the
 *   command line (-J, -o) beats the config file.
 * - The destination's own settings do not apply to jump hosts; each jump host gets its own Host block.
 */

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
  return value.trim().toLowerCase() === 'none' ? { kind: 'none', source } : { kind: 'command', command: value.trim(), source };
}

/** `user@host:port` of a hop, for messages. */
export function describeJumpSpec(spec: JumpSpec): string {
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.user ? `${spec.user}@` : ''}${host}${spec.port ? `:${spec.port}` : ''}`;
}
