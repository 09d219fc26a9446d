/**
 * A fact section: one file (src/facts/sections/NAME.ts) holding the shell that reads a fact on the host and the
 * pure reader that turns its output into HostFacts fields. The gather script runs every section's shell in list
 * order in ONE round trip (gather-script.ts); parsing runs every section's reader over the same output
 * (gather-output.ts). To add a fact: write the section, add it to sections/index.ts, add its field to HostFacts.
 */
import type { GatherFrame, GatherSection } from './gather-frame.js';
import type { PeakRequest } from './peak.js';
import type { HostFacts } from './types.js';

export interface GatherRequest {
  /** Absolute paths of files to snapshot byte for byte (persist targets, modprobe.d, modules-load.d …). */
  files: string[];
  /** The peak file (facts/peak.ts): check keeps it, advise reads it; absent = not touched (run, gate, restore). */
  peak?: PeakRequest;
  /**
   * false: skip the NAT rule dump (iptables-save, ip6tables-save, nft: three of the heaviest processes a gather starts)
   * because nothing will read it: only unload_nat's planner and check's report do. Default true.
   */
  rules?: boolean;
  /**
   * false: skip the boot configuration (sysctl.d, modprobe.d, init; bootConfig null): only run's planners read it
   * (persist, unload_nat), and it is ~5 ms of a host's ~40 ms gather CPU and 3 of its processes (grep, readlink,
   * base64 per file naming conntrack). Default true.
   */
  bootConfig?: boolean;
}

/** What a reader gets: the whole split output (values and blocks by the names its own shell printed). */
export interface SectionInput {
  frame: GatherFrame;
  request: GatherRequest;
  /** Where the reader says what it could not read ("nft failed (exit 1): …"); shown once per host. */
  problems: string[];
}

export interface FactSection<T extends Partial<HostFacts>> {
  /** Printed as the record `section NAME` before the section's output; problems it prints are attributed to it. */
  name: string;
  /**
   * The section's POSIX sh (dash, bash, busybox ash), run inside the gather script's main function with stdin
   * from /dev/null and fd 5 as the real stdout. May use gather.sh's helpers and shell variables set by the
   * sections before it (documented where they are set). Request values enter only through transport/quote.ts.
   */
  sh(request: GatherRequest): string;
  /** Pure; never throws: what is missing becomes null or a problem. */
  read(input: SectionInput): T;
  /**
   * Lines this section takes from the gather's ONE shared grep (gather-script.ts runs it before the first section
   * that has `grep`, after identity): `files` are shell words (quoted paths, or globs and $cf_ variables the
   * sections before set), `pattern` an ERE for their lines. Every pattern applies to every file, so a section's shell
   * takes its own files' lines with cf_lines_of (src/remote/gather.sh) and its reader must ignore extra lines.
   */
  grep?: { files: string[]; pattern: string };
  /** Output without these cannot be trusted (gather-output.ts fails the host, or says so in problems). */
  requires?: { values?: string[]; blocks?: string[] };
}

/** The lines of the first block named `name`, joined; null when the script printed no such block. */
export function blockText(frame: GatherFrame, name: string): string | null {
  const block = frame.sections.find((s) => s.name === name);
  return block ? block.lines.join('\n') : null;
}

export function flagValue(frame: GatherFrame, name: string): boolean {
  return frame.values[name] === '1';
}

/** A failed command block as a problem: `TOOL failed (exit N): first stderr line`. */
export function commandFailure(block: GatherSection): string {
  const detail = block.stderrLines.find((line) => line.trim()) ?? 'no message';
  return `${block.arg || block.name} failed (exit ${block.exitCode}): ${detail.trim()}`;
}
