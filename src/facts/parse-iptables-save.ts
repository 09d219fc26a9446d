/** Finds the rules that need conntrack in `iptables-save` / `ip6tables-save` output. Pure. */
import { type RuleEvidence, withoutQuoted } from './rule-evidence.js';

const natTargets = new Set(['MASQUERADE', 'SNAT', 'DNAT', 'REDIRECT', 'NETMAP']);
const conntrackTargets = new Set(['CT', 'CONNMARK', 'CONNSECMARK', 'NOTRACK']);
const conntrackMatches = new Set(['conntrack', 'state', 'connmark', 'connlimit', 'connbytes', 'connlabel', 'helper']);
const conntrackOptions = new Set(['--ctstate', '--state', '--ctstatus']);

interface RuleTokens {
  targets: string[];
  matches: string[];
  options: string[];
}

function tokensOf(rule: string): RuleTokens {
  const words = withoutQuoted(rule).split(/\s+/);
  const result: RuleTokens = { targets: [], matches: [], options: [] };
  words.forEach((word, index) => {
    const next = words[index + 1] ?? '';
    if (word === '-j' || word === '--jump' || word === '-g' || word === '--goto') result.targets.push(next);
    else if (word === '-m' || word === '--match') result.matches.push(next);
    else if (word.startsWith('--')) result.options.push(word);
  });
  return result;
}

function needsConntrack(tokens: RuleTokens): boolean {
  return (
    tokens.targets.some((t) => conntrackTargets.has(t) || natTargets.has(t)) ||
    tokens.matches.some((m) => conntrackMatches.has(m)) ||
    tokens.options.some((o) => conntrackOptions.has(o))
  );
}

/** Evidence lines are written as `-t TABLE -A CHAIN …`, a command that names the rule exactly. */
export function parseIptablesSave(text: string): RuleEvidence {
  const evidence: RuleEvidence = { lines: [], nat: false };
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1).trim();
    if (!line.startsWith('-A ') && !line.startsWith('-I ')) continue;
    const tokens = tokensOf(line);
    const isNat = table === 'nat' || tokens.targets.some((t) => natTargets.has(t));
    if (!isNat && !needsConntrack(tokens)) continue;
    evidence.nat ||= isNat;
    evidence.lines.push(table ? `-t ${table} ${line}` : line);
  }
  return evidence;
}
