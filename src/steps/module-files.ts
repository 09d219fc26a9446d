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

/** 1-based lines of `text` that set nf_conntrack's hashsize=, with the value each sets (the last hashsize= on it). */
export function readHashsizeLines(text: string): { line: number; value: string }[] {
  return text.split('\n').flatMap((raw, index) => {
    const options = parseConntrackOptions(raw);
    return options?.hashsize != null ? [{ line: index + 1, value: options.hashsize }] : [];
  });
}

/** 1-based lines of `text` whose hashsize= differs from `hashsize`. */
export function findHashsizeLines(text: string, hashsize: number): { line: number; value: string }[] {
  return readHashsizeLines(text).filter((found) => found.value !== String(hashsize));
}

/**
 * Comments out `lines` with a marker, re-adding their other parameters (expect_hashsize=…) on the next line;
 * with `restoreAll`, undoes that for every marked line instead (hashsize no longer persisted).
 */
export function rewriteModprobeText(text: string, lines: Set<number>, restoreAll = false): string {
  const source = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const line = source[i] as string;
    const options = parseConntrackOptions(line);
    if (lines.has(i + 1) && options) {
      out.push(disabledMark + line);
      if (options.others.length > 0) out.push(`options nf_conntrack ${options.others.join(' ')}`);
    } else if (restoreAll && line.startsWith(disabledMark)) {
      const original = line.slice(disabledMark.length);
      const others = parseConntrackOptions(original)?.others ?? [];
      out.push(original);
      if (others.length > 0 && source[i + 1] === `options nf_conntrack ${others.join(' ')}`) i += 1;
    } else out.push(line);
  }
  return out.join('\n');
}
