/** The connection interface every other module depends on; ssh2 is one implementation of it. */
import type { ProxySetting, Route } from './proxy-jump.js';

/** Where and how to reach one host, resolved from the inventory. */
export interface HostTarget {
  /** Inventory name, used in every message. */
  name: string;
  /** ansible_host, else the name. */
  address: string;
  /** ansible_port, else 22. */
  port: number;
  /** ansible_user, else the local user name. */
  user: string;
  /** ansible_ssh_private_key_file, `~` expanded. */
  privateKeyFile?: string;
  /** ansible_become: run scripts through sudo -u BECOME_USER (become.ts: `-n`, or `-S` with a password). */
  become: boolean;
  /** ansible_become_user, else root. */
  becomeUser: string;
  /**
   * The sudo password, asked for only when sudo prompts: ansible_become_password / ansible_become_pass, else -K /
   * CONNTRACK_FLEET_BECOME_PASSWORD. A function so the secret never sits in a serialisable field.
   */
  becomePassword?: () => Promise<string>;
  /** From `-o UserKnownHostsFile=…` in ansible_ssh_common_args / ansible_ssh_extra_args (its first file: keys are added there). */
  knownHostsFile?: string;
  /** UserKnownHostsFile's further files: read like the first, never written (ssh_config(5)). */
  additionalKnownHostsFiles?: string[];
  /** GlobalKnownHostsFile from `-o` or ssh_config; default /etc/ssh/ssh_known_hosts and /etc/ssh/ssh_known_hosts2. */
  globalKnownHostsFiles?: string[];
  /** ProxyJump/ProxyCommand from -J / -o in ansible_ssh_common_args / ansible_ssh_extra_args (beats the ssh config). */
  proxy?: ProxySetting;
  /** Resolved with the ssh config (apply-ssh-config); when absent, `proxy` is resolved without a config. */
  route?: Route;
  /** Every inventory variable, unknown ones included. */
  vars: Record<string, unknown>;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the remote process ended by a signal or the channel closed without a status. */
  exitCode: number | null;
  signal: string | null;
  /** The script outlived its timeoutMs and was killed (exitCode is then null); as execa's `timedOut`. */
  timedOut: boolean;
  /** From sending the script to its end (or its timeout), in milliseconds; as execa's `durationMs`. */
  durationMs: number;
}

/** An ExecResult before its timing is known (what a transport collects). */
export type ExecOutput = Omit<ExecResult, 'timedOut' | 'durationMs'>;

export interface RunScriptOptions {
  /** The script is killed (channel closed) after this long; the result then has exitCode null. */
  timeoutMs?: number;
}

export interface HoldOptions extends RunScriptOptions {
  /**
   * Open the script session (runScript's channel) while the held command starts, so the first script finds it ready.
   * Default true; false for a host that only waits, e.g. a later batch's host locked up front (its idle session
   * would cost a channel, a remote shell and controller memory until its turn).
   */
  warmSession?: boolean;
}

/** One open SSH connection to one host, kept for the whole run. */
export interface Connection {
  readonly target: HostTarget;
  /** How long opening it took (handshake slot wait, TCP, SSH, auth), when the opener measured it. */
  readonly connectMs?: number;
  /**
   * Runs a POSIX sh script on the host in ONE round trip: the script travels on stdin of
   * `sh -s` (through sudo when become is set, see become.ts), so nothing in it is parsed by a login shell
   * command line. Values inside the script must be quoted with `quoteShell`.
   */
  runScript(script: string, options?: RunScriptOptions): Promise<ExecResult>;
  /**
   * Starts a long-lived command (for example a host lock holder) and resolves with its first
   * line of stdout; the command lives until `release()` or until the connection closes.
   */
  hold(script: string, options?: HoldOptions): Promise<HeldCommand>;
  /** Resolves when the connection is closed; never rejects. */
  close(): Promise<void>;
  /** Called once if the connection drops unexpectedly. */
  onLost(listener: (error: Error) => void): void;
}

export interface HeldCommand {
  firstLine: string;
  release(): Promise<void>;
}

export interface ConnectOptions {
  /** TCP connect + SSH handshake must finish within this. Default 10000. */
  connectTimeoutMs: number;
  /** 0 disables keepalive. Default 15000. */
  keepaliveIntervalMs: number;
  /** Keepalives without answer before the connection counts as lost. Default 3. */
  keepaliveCountMax: number;
  /** Overrides the target's and the default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Overrides the target's and the default global files (/etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2). */
  globalKnownHostsFiles?: string[];
  /** Trust on first use: append keys of hosts that have none. A CHANGED key is still refused. */
  acceptNewHostKeys: boolean;
  /** Told one line per key added on first use (host, key type, SHA256 fingerprint, file); display only. */
  onHostKeyAdded?: (notice: string) => void;
}

export const defaultConnectOptions: ConnectOptions = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  acceptNewHostKeys: false,
};

/** Opens a connection or rejects with a ConnectError saying why. */
export type Connect = (target: HostTarget, options: ConnectOptions) => Promise<Connection>;
