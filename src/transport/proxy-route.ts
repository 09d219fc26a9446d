/**
 * A target's Route from its ProxyJump/ProxyCommand setting and the ssh config (pure). As in OpenSSH
 * (ssh.c builds `ssh -l USER -p PORT -J REST -F CONFIG -W %h:%p LASTHOP` for `ProxyJump A,B`):
 * - the last hop is reached through the hops before it; the first hop through its OWN ProxyJump, if any;
 * - each hop's HostName/Port/User/IdentityFile/UserKnownHostsFile come from its own Host block, and user/port
 *   written in ProxyJump beat them; nothing of the destination's settings (inventory or config) applies to a hop;
 * - a hop's user defaults to the local user name, not the destination's.
 * A target's ProxyCommand is run (proxy-command.ts); a HOP that needs one is refused, never bypassed.
 */
import { userInfo } from 'node:os';
import { describeJumpSpec, type JumpHost, type JumpSpec, type ProxySetting, type Route } from './proxy-jump.js';
import { expandTokens, lookupSshConfig, type SshConfig } from './ssh-config.js';

/** More hops than any sane bastion chain; a config whose hops loop back reaches it. */
export const maxJumpHops = 10;

export interface RouteContext {
  config: SshConfig;
  home: string;
  localUser?: string;
  fileExists: (path: string) => boolean;
}

/**
 * `setting` is the target's own (command line/inventory first, else its config block); undefined or `none` is
 * direct. Hops: connection order, first hop first. `alias`: the target's name before HostName (ssh's %n).
 */
export function resolveRoute(setting: ProxySetting | undefined, context: RouteContext, alias = ''): Route {
  if (setting?.kind === 'command') return { kind: 'command', command: setting.command, source: setting.source, alias };
  const hops: JumpHost[] = [];
  const refusal = addHopsFor(setting, context, hops);
  return refusal ? { kind: 'refused', reason: refusal } : hops.length > 0 ? { kind: 'jump', hops } : { kind: 'direct' };
}

/** Appends the hops `setting` asks for; a string is why the host must be refused. */
function addHopsFor(
  setting: ProxySetting | undefined,
  context: RouteContext,
  hops: JumpHost[],
  depth = 0,
): string | undefined {
  if (!setting || setting.kind === 'none') return undefined;
  if (setting.kind === 'invalid') return `${setting.source}: ${setting.reason}`;
  if (setting.kind === 'command') {
    return `ProxyCommand (${setting.source}) is not supported for a jump host; use ProxyJump there`;
  }
  const last = setting.jumps.at(-1) as JumpSpec;
  const before = setting.jumps.slice(0, -1);
  // the command line's -J REST beats the last hop's own ProxyJump, exactly as the nested ssh would see it
  const upstream = before.length > 0 ? { ...setting, jumps: before } : lookupSshConfig(context.config, last.host).proxy;
  if (depth + setting.jumps.length > maxJumpHops) {
    return `ProxyJump (${setting.source}): more than ${maxJumpHops} jump hosts; do the Host blocks' ProxyJump settings loop?`;
  }
  const refusal = addHopsFor(upstream, context, hops, depth + 1);
  if (refusal) return `jump host ${describeJumpSpec(last)}: ${refusal}`;
  hops.push(resolveHop(last, context));
  return undefined;
}

function resolveHop(spec: JumpSpec, context: RouteContext): JumpHost {
  const found = lookupSshConfig(context.config, spec.host, { user: spec.user, localUser: context.localUser });
  const port = spec.port ?? found.port ?? 22;
  const user = spec.user ?? found.user ?? context.localUser ?? userInfo().username;
  const tokens = { host: spec.host, port, user, home: context.home };
  const address = found.hostName === undefined ? spec.host : expandTokens(found.hostName, tokens);
  const hop: JumpHost = { name: spec.host, address, port, user };
  const key = found.identityFiles.map((f) => expandTokens(f, { ...tokens, host: address })).find(context.fileExists);
  if (key) hop.privateKeyFile = key;
  // the jump host's own UserKnownHostsFile/GlobalKnownHostsFile, as ssh reads them for that hop
  const [first, ...rest] = (found.userKnownHostsFiles ?? []).map((f) => expandTokens(f, { ...tokens, host: address }));
  if (first !== undefined) hop.knownHostsFile = first;
  if (rest.length > 0) hop.additionalKnownHostsFiles = rest;
  if (found.globalKnownHostsFiles) {
    hop.globalKnownHostsFiles = found.globalKnownHostsFiles.map((f) => f.replace(/^~(?=\/|$)/, context.home));
  }
  return hop;
}
