/** The two boot files a MODULAR nf_conntrack needs for persisted values to take effect. */
import { disabledPrefix } from './sysctl-block.js';

export const modprobeConfPath = '/etc/modprobe.d/conntrack-fleet.conf';
export const modulesLoadPath = '/etc/modules-load.d/conntrack-fleet.conf';

const managedHeader = '# Managed by conntrack-fleet: edit the playbook, not this file.';

export function renderModprobeConf(hashsize: number): string {
  return [
    managedHeader,
    '# The conntrack hash table size (set_hashsize), applied whenever nf_conntrack loads.',
    `options nf_conntrack hashsize=${hashsize}`,
    '',
  ].join('\n');
}

export function renderModulesLoad(): string {
  return [
    managedHeader,
    '# Load nf_conntrack before systemd-sysctl runs: otherwise the net.netfilter.nf_conntrack_* values',
    '# are silently not applied at boot when the firewall autoloads the module later.',
    'nf_conntrack',
    '',
  ].join('\n');
}

/** The hashsize an existing modprobe.d file sets, for the report. */
export function readModprobeHashsize(text: string): number | null {
  const match = /^\s*options\s+nf_conntrack\s+(?:.*\s)?hashsize=(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** The same marker as in sysctl files, so one grep finds every line the tool turned off. */
const disabledMark = disabledPrefix;

interface OptionsLine {
  /** Parameters other than hashsize=, kept on a line of their own when the line is commented out. */
  others: string[];
  hashsize: string | null;
}

/** modprobe.d(5) `options MODULE PARAM…` for nf_conntrack (kmod treats - and _ in names alike); null otherwise. */
export function parseConntrackOptions(line: string): OptionsLine | null {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'options' || words[1]?.replaceAll('-', '_') !== 'nf_conntrack') return null;
  const params = words.slice(2);
  const sizes = params.filter((p) => p.startsWith('hashsize='));
  return {
    others: params.filter((p) => !p.startsWith('hashsize=')),
    hashsize: sizes.length ? sizes[sizes.length - 1]!.slice(9) : null,
  };
}

/** One modprobe.d line as kmod reads it: `line`..`lastLine` (1-based) are the physical lines it spans. */
export interface ModprobeLine {
  line: number;
  lastLine: number;
  text: string;
}

/**
 * Lines of a modprobe.d file as kmod reads them: a line ending in a backslash goes on with the next one (libkmod-util.c
 * getline_wrapped drops the backslash and the newline, nothing else), so `options nf_conntrack` + backslash, then `  hashsize=N`,
 * sets hashsize=N, and a `#` on its first line comments out every line it spans.
 */
export function modprobeLines(text: string): ModprobeLine[] {
  const out: ModprobeLine[] = [];
  let pending: ModprobeLine | null = null;
  text.split('\n').forEach((raw, index) => {
    const wraps = raw.endsWith('\\');
    const piece = wraps ? raw.slice(0, -1) : raw;
    pending = pending
      ? { ...pending, lastLine: index + 1, text: pending.text + piece }
      : { line: index + 1, lastLine: index + 1, text: piece };
    if (!wraps) {
      out.push(pending);
      pending = null;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** Lines of `text` that set nf_conntrack's hashsize= (the 1-based line each starts on), with the value each sets (the last hashsize= on it). */
export function readHashsizeLines(text: string): { line: number; value: string }[] {
  return modprobeLines(text).flatMap(({ line, text: lineText }) => {
    const options = parseConntrackOptions(lineText);
    return options?.hashsize != null ? [{ line, value: options.hashsize }] : [];
  });
}

/** 1-based lines of `text` whose hashsize= differs from `hashsize`. */
export function findHashsizeLines(text: string, hashsize: number): { line: number; value: string }[] {
  return readHashsizeLines(text).filter((found) => found.value !== String(hashsize));
}

/**
 * Comments out `lines` (the line each kmod line starts on) with a marker, re-adding their other parameters
 * (expect_hashsize=…) on a line after it; with `restoreAll`, undoes that for every marked line instead (hashsize no
 * longer persisted). A continued line is marked on its first physical line, which comments out all of it for kmod.
 */
export function rewriteModprobeText(text: string, lines: Set<number>, restoreAll = false): string {
  const source = text.split('\n');
  const logical = modprobeLines(text);
  const out: string[] = [];
  for (let i = 0; i < logical.length; i++) {
    const { line, lastLine, text: lineText } = logical[i] as ModprobeLine;
    const [first = '', ...rest] = source.slice(line - 1, lastLine);
    const options = parseConntrackOptions(lineText);
    if (lines.has(line) && options) {
      out.push(disabledMark + first, ...rest);
      if (options.others.length > 0) out.push(`options nf_conntrack ${options.others.join(' ')}`);
    } else if (restoreAll && first.startsWith(disabledMark)) {
      const others = parseConntrackOptions(lineText.slice(disabledMark.length))?.others ?? [];
      out.push(first.slice(disabledMark.length), ...rest);
      if (others.length > 0 && logical[i + 1]?.text === `options nf_conntrack ${others.join(' ')}`) i += 1;
    } else out.push(first, ...rest);
  }
  return out.join('\n');
}
