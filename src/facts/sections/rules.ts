/** The rules that need conntrack (iptables-save, ip6tables-save, their legacy twins, nft). Shell: src/remote/sections/rules.sh. */
import { remoteScript } from '../../remote/scripts.js';
import type { GatherFrame } from '../gather-frame.js';
import { parseIptablesSave } from '../parse-iptables-save.js';
import { parseNftRuleset } from '../parse-nft-ruleset.js';
import { capLines, type RuleEvidence } from '../rule-evidence.js';
import { commandFailure, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

/** Per rule source, so one huge table (kube-proxy) cannot hide the others. */
export const evidenceLinesPerSource = 100;

/** Each source's lines prefixed with its tool and capped; a failed dump is a problem, never "no rules". */
export function readRules(frame: GatherFrame, problems: string[]): RuleEvidence {
  const evidence: RuleEvidence = { lines: [], nat: false };
  for (const section of frame.sections.filter((s) => s.name === 'rules')) {
    if (section.exitCode !== 0) {
      problems.push(commandFailure(section));
      continue;
    }
    const text = section.lines.join('\n');
    const found = section.arg === 'nft' ? parseNftRuleset(text) : parseIptablesSave(text);
    evidence.nat ||= found.nat;
    evidence.lines.push(...capLines(found.lines, evidenceLinesPerSource).map((line) => `${section.arg}: ${line}`));
  }
  return evidence;
}

export const rulesSection: FactSection<Pick<HostFacts, 'natRuleEvidence' | 'natRulesInUse'>> = {
  name: 'rules',
  sh: (request) => (request.rules === false ? '' : `${remoteScript('sections/rules.sh')}\ncf_rules`),
  read({ frame, problems }) {
    const rules = readRules(frame, problems);
    return { natRuleEvidence: rules.lines, natRulesInUse: rules.nat };
  },
};
