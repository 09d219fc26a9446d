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
  | 'unreachable' // TCP refused, DNS, timeout
  | 'auth' // no credential accepted
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'lost' // connection dropped after it was established
  | 'become'; // connected, but sudo refused (no/wrong password, no sudo rights): nothing ran on the host

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

/** A remote script failed in a way the caller did not expect. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The kind of a ConnectError ('become', 'auth', …), for reports; undefined for any other error. */
export function connectFailureOf(error: unknown): ConnectFailure | undefined {
  return error instanceof ConnectError ? error.failure : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
