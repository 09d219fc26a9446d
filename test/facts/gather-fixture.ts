/**
 * Gather outputs for tests, in the records the script prints (src/remote/gather.sh: `@@cf TOKEN KIND TEXT`, raw
 * content between `begin` and `end`). The whole output is built from the real section list (facts/sections/index.ts):
 * a section the script no longer has is an error here, and sections come in the script's order, each after its
 * `section NAME` record. The one builder of test/facts/gather-output.test.ts and test/runner/fake-host.ts.
 */
import { gatherDoneKind, type GatherFrame, splitGatherOutput } from '../../src/facts/gather-frame.js';
import { factSections } from '../../src/facts/sections/index.js';
import { recordPrefix } from '../../src/remote/records.js';

/** The token of fixtures that are parsed directly (a script's reply uses the script's own token). */
export const fixtureToken = '0123456789abcdef';

export interface BlockOptions {
  /** The `rc N` record of a command run. */
  rc?: number;
  /** Lines after the `stderr` record. */
  stderr?: string[];
}

/** What identity prints (sections/identity.ts). */
export interface IdentityParts {
  kernel: string;
  uid: number;
  cpus: number;
  memTotalKb: number;
}

/** What conntrack prints (sections/conntrack.ts): its four probes. */
export interface PresenceParts {
  listed: boolean;
  sysModule: boolean;
  initstate: boolean;
  builtinList: boolean;
}

const sectionNames: readonly string[] = factSections.map((section) => section.name);

/** Record and block builders for one token; every builder returns output lines (without their newlines). */
export function gatherFixture(token: string = fixtureToken) {
  const record = (kind: string, text = ''): string => `${recordPrefix} ${token} ${kind}${text ? ` ${text}` : ''}`;
  const value = (name: string, text: string | number): string => record('value', `${name} ${text}`);
  const flag = (name: string, on: boolean): string => value(name, on ? 1 : 0);
  const block = (header: string, lines: string[], options: BlockOptions = {}): string[] => [
    record('begin', header),
    ...lines,
    ...(options.rc === undefined ? [] : [record('rc', String(options.rc))]),
    ...(options.stderr?.length ? [record('stderr'), ...options.stderr] : []),
    record('end'),
  ];
  return {
    token,
    record,
    value,
    problem: (text: string): string => record('problem', text),
    block,
    identity: (parts: IdentityParts): string[] => [
      value('kernel', parts.kernel),
      value('uid', parts.uid),
      value('cpus', parts.cpus),
      ...block('meminfo', [`MemTotal:        ${parts.memTotalKb} kB`]),
    ],
    presence: (parts: PresenceParts): string[] => [
      flag('conntrack_listed', parts.listed),
      flag('conntrack_sys_module', parts.sysModule),
      flag('conntrack_initstate', parts.initstate),
      flag('conntrack_builtin_list', parts.builtinList),
    ],
    /**
     * A whole output: every fact section's `section NAME` record in the script's order, followed by its lines in
     * `parts`, then `done` (unless `done` is false: a cut-short output). Throws on a section the script does not have.
     */
    output(parts: Record<string, string[]>, options: { done?: boolean } = {}): string {
      const unknown = Object.keys(parts).filter((name) => !sectionNames.includes(name));
      if (unknown.length > 0) throw new Error(`not a fact section: ${unknown.join(', ')}`);
      const lines = sectionNames.flatMap((name) => [record('section', name), ...(parts[name] ?? [])]);
      if (options.done !== false) lines.push(record(gatherDoneKind));
      return `${lines.join('\n')}\n`;
    },
  };
}

/** Lines (each ending in a newline) split as the parser splits a gather output of fixtureToken. */
export function frameOf(lines: string[]): GatherFrame {
  return splitGatherOutput(lines.map((line) => `${line}\n`).join(''), fixtureToken);
}
