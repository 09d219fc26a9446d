/** A validated playbook: plain data, every default filled in. */
import type { SourcePosition } from '../errors.js';

export interface CheckCountOptions {
  warn_above_percent?: number;
  fail_above_percent?: number;
}

export interface RaiseMaxOptions {
  /** An integer, or 'auto' = max(min, per_cpu × CPUs). */
  value: number | 'auto';
  per_cpu: number; // default 32768
  min: number; // default 131072
  allow_lower: boolean; // default false
  max_memory_percent: number; // default 10
}

/** `1234` → absolute; `max` → divisor 1; `max/4` → divisor 4. */
export type HashsizeExpr = { kind: 'absolute'; value: number } | { kind: 'fraction-of-max'; divisor: number };

export interface SetHashsizeOptions {
  value: HashsizeExpr; // default max/4
}

export interface SetTimeoutsOptions {
  /** Sysctl names without the nf_conntrack_ prefix, e.g. tcp_timeout_established: 86400. */
  timeouts: Record<string, number>;
}

export interface PersistOptions {
  file: string; // default /etc/sysctl.conf; /etc/sysctl.d/90-conntrack-fleet.conf when sysctl_d
  sysctl_d: boolean; // default false
  /** Knobs taken out of the managed block: `max`, `hashsize` or a timeout name (udp_timeout); default []. */
  remove: string[];
}

export type UnloadNatOptions = Record<string, never>;

interface StepBase {
  /** Optional display name from the playbook. */
  name?: string;
  /** Where the step starts in the playbook, for messages. */
  position: SourcePosition;
  /** `per_host:` — inventory host name → this step's options with that host's values merged in (validated). */
  perHost?: Record<string, unknown>;
}

export type StepSpec =
  | (StepBase & { kind: 'check_count'; options: CheckCountOptions })
  | (StepBase & { kind: 'raise_max'; options: RaiseMaxOptions })
  | (StepBase & { kind: 'set_hashsize'; options: SetHashsizeOptions })
  | (StepBase & { kind: 'set_timeouts'; options: SetTimeoutsOptions })
  | (StepBase & { kind: 'persist'; options: PersistOptions })
  | (StepBase & { kind: 'unload_nat'; options: UnloadNatOptions });

export type StepKind = StepSpec['kind'];

/** One batch size: a host count or a percentage string like "10%". */
export type BatchSize = number | `${number}%`;

export interface GateSpec {
  soakMs: number; // from `soak: 30s`
  max_usage_percent?: number;
  max_new_drops?: number; // default 0 when a gate is given
}

export type OnAbort = 'rollback-batch' | 'rollback-all' | 'keep';

export interface Playbook {
  file: string;
  name?: string;
  /** Ansible host pattern. */
  hosts: string;
  /** Where `hosts:` is written, so a pattern matching nothing points at the playbook line. */
  hostsPosition?: SourcePosition;
  steps: StepSpec[];
  /** Batches, in order; default one batch of 100%. */
  serial: BatchSize[];
  max_fail_percentage: number; // default 0
  /** A batch whose unreachable or locked hosts exceed this share stops the rollout; undefined = unlimited (default). */
  max_unreachable_percent?: number;
  gate?: GateSpec;
  on_abort: OnAbort; // default rollback-batch
}
