/** Typed errors, caught in one place (src/cli) and mapped to exit codes. */

export interface SourcePosition {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

/** Bad input (inventory, playbook, pattern, flag): exit 2, and no host is contacted. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly position?: SourcePosition,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `FILE:LINE:COL: message`, or just the message when there is no position. */
  format(): string {
    const p = this.position;
    return p ? `${p.file}:${p.line}:${p.col}: ${this.message}` : this.message;
  }
}

export type ConnectFailure =
  | 'unreachable' // TCP refused, no route, DNS, a bastion that refused the forward
  | 'timeout' // no connection within connectTimeoutMs (TCP connect + SSH handshake, or a bastion's forward)
  | 'auth' // no credential accepted
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'connection-lost' // connection dropped after it was established
  | 'become'; // connected, but sudo refused (no/wrong password, no sudo rights): nothing ran on the host

/**
 * Why a host's run did not end as asked, as data (HostResult.errorKind, CheckResult.errorKind, JSON `error_kind`):
 * every ConnectFailure, plus the stage of the run that went wrong. One union so that reports and exit-code rules
 * compare kinds, never message text. `timeout` also names a remote script killed at its time limit
 * (ExecResult.timedOut), whatever the stage. Names as issue #12 gives them; they are a public interface (README).
 */
export type HostErrorKind =
  | ConnectFailure
  | 'lock' // another run holds the host lock: nothing was read or changed
  | 'gather' // the fact-gathering request failed
  | 'plan' // a planner refused the host (e.g. the kernel cannot take the value): nothing changed
  | 'kernel-refused' // the kernel refused a step's write: a /proc/sys or /sys knob (EINVAL, EROFS, …), modprobe/rmmod
  | 'verify-mismatch' // a step's write succeeded, but what was read back is not what was planned
  | 'apply' // a step failed otherwise (a file write, the journal not written, the apply script cut short)
  | 'rollback' // the host could not be restored exactly: fix by hand
  | 'gate' // the health gate failed after the batch
  | 'stopped' // the rollout stopped (threshold, on_abort) before or after this host
  | 'interrupted' // SIGINT/SIGTERM: not started, or rolled back
  | 'journal' // rollback/runs: the host's journals could not be read
  | 'no-journal' // rollback: the host has no journal of that run: nothing to do
  | 'refused' // rollback: newer runs changed the same targets (no --include-newer)
  | 'drift' // rollback: a knob or file changed since the run (no --force): nothing restored
  | 'remote-command'; // any other failure of a remote script

/** A host could not be reached or its identity not trusted; that host alone fails. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly failure: ConnectFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A remote script failed in a way the caller did not expect; `timedOut`: it was killed at its time limit. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  readonly timedOut: boolean;
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown; timedOut?: boolean },
  ) {
    super(message, options);
    this.timedOut = options?.timedOut === true;
  }
}

/** The kind of a ConnectError ('become', 'auth', …), for reports; undefined for any other error. */
export function connectFailureOf(error: unknown): ConnectFailure | undefined {
  return error instanceof ConnectError ? error.failure : undefined;
}

/** A host's work stopped at a known stage: thrown inside a host's run, caught by the fleet loop as data. */
export class HostFailure extends Error {
  override readonly name = 'HostFailure';
  constructor(
    readonly kind: HostErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The kind of any error a host's work threw: a HostFailure's kind, a ConnectError's failure, `timeout` for a
 * RemoteError whose script was killed at its time limit, else `fallback` (the stage).
 */
export function errorKindOf(error: unknown, fallback: HostErrorKind): HostErrorKind {
  if (error instanceof HostFailure) return error.kind;
  if (error instanceof RemoteError && error.timedOut) return 'timeout';
  return connectFailureOf(error) ?? fallback;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
