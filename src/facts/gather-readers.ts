/** Reads the sections of a split gather output into facts; each reader adds what it could not read to `problems`. Pure. */
import type { GatherFrame, GatherSection } from './gather-frame.js';
import type { GatherRequest } from './gather-script.js';
import { parseFileSection } from './parse-file-section.js';
import { parseIptablesSave } from './parse-iptables-save.js';
import { parseLsmod } from './parse-lsmod.js';
import { parseNftRuleset } from './parse-nft-ruleset.js';
import { parseProcModules } from './parse-proc-modules.js';
import { capLines, type RuleEvidence } from './rule-evidence.js';
import type { FileState, LoadedModule } from './types.js';

/** Per rule source, so one huge table (kube-proxy) cannot hide the others. */
export const evidenceLinesPerSource = 100;

export function sectionText(frame: GatherFrame, name: string): string | null {
  const section = frame.sections.find((s) => s.name === name);
  return section ? section.lines.join('\n') : null;
}

function failure(section: GatherSection): string {
  const detail = section.stderrLines.find((line) => line.trim()) ?? 'no message';
  return `${section.arg || section.name} failed (exit ${section.exitCode}): ${detail.trim()}`;
}

export function readModules(frame: GatherFrame, problems: string[]): LoadedModule[] {
  const lsmod = frame.sections.find((s) => s.name === 'lsmod');
  if (lsmod && lsmod.exitCode !== 0) problems.push(failure({ ...lsmod, arg: 'lsmod' }));
  if (lsmod) return lsmod.exitCode === 0 ? parseLsmod(lsmod.lines.join('\n')) : [];
  const procModules = sectionText(frame, 'proc-modules');
  return procModules === null ? [] : parseProcModules(procModules);
}

export function readRules(frame: GatherFrame, problems: string[]): RuleEvidence {
  const evidence: RuleEvidence = { lines: [], nat: false };
  for (const section of frame.sections.filter((s) => s.name === 'rules')) {
    if (section.exitCode !== 0) {
      problems.push(failure(section));
      continue;
    }
    const text = section.lines.join('\n');
    const found = section.arg === 'nft' ? parseNftRuleset(text) : parseIptablesSave(text);
    evidence.nat ||= found.nat;
    evidence.lines.push(...capLines(found.lines, evidenceLinesPerSource).map((line) => `${section.arg}: ${line}`));
  }
  return evidence;
}

/** Files that exist but could not be snapshotted are left out (unknown), never reported as absent. */
export function readFiles(frame: GatherFrame, request: GatherRequest, problems: string[]): Record<string, FileState | null> {
  const files: Record<string, FileState | null> = {};
  request.files.forEach((path, index) => {
    const section = frame.sections.find((s) => s.name === 'file' && s.arg === String(index));
    const reading = section ? parseFileSection(section.lines) : { kind: 'unknown' as const, reason: 'was not read' };
    if (reading.kind === 'present') files[path] = reading.state;
    else if (reading.kind === 'absent') files[path] = null;
    else problems.push(`${path} ${reading.reason}`);
  });
  return files;
}

export function readCpus(frame: GatherFrame, problems: string[]): number {
  const text = frame.values['cpus'] ?? '';
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  problems.push('CPU count unknown (getconf, nproc and /proc/cpuinfo failed): assuming 1');
  return 1;
}
