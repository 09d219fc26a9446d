/** Finds the rules that need conntrack in `nft list ruleset` output. Pure. */
import { type RuleEvidence, withoutQuoted } from './rule-evidence.js';

type Block = { kind: 'table'; name: string } | { kind: 'chain'; name: string; nat: boolean } | { kind: 'other' };

const natStatement = /\b(masquerade|snat|dnat|redirect)\b/;
const conntrackExpression = /\bct\s+[a-z]|\bnotrack\b/;
const chainProperty = /^(type|policy|comment|devices|priority)\b/;

function countChar(text: string, char: string): number {
  return text.split(char).length - 1;
}

function openedBlock(line: string): Block | null {
  const table = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
  if (table) return { kind: 'table', name: `${table[1]} ${table[2]}` };
  const chain = /^chain\s+(\S+)\s*\{$/.exec(line);
  if (chain) return { kind: 'chain', name: chain[1] ?? '', nat: false };
  return null;
}

function ruleContext(stack: Block[]): { table: string; chain: Extract<Block, { kind: 'chain' }> } | null {
  const chain = stack.at(-1);
  const table = stack.at(-2);
  if (chain?.kind !== 'chain' || table?.kind !== 'table') return null;
  return { table: table.name, chain };
}

/** Evidence lines are written as `FAMILY TABLE CHAIN: rule`. */
export function parseNftRuleset(text: string): RuleEvidence {
  const evidence: RuleEvidence = { lines: [], nat: false };
  const stack: Block[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const opened = openedBlock(line);
    if (opened) {
      stack.push(opened);
      continue;
    }
    const bare = withoutQuoted(line);
    const depthChange = countChar(bare, '{') - countChar(bare, '}');
    const context = depthChange === 0 ? ruleContext(stack) : null;
    if (context) readChainLine(line, bare, context, evidence);
    for (let i = 0; i < depthChange; i += 1) stack.push({ kind: 'other' });
    for (let i = 0; i < -depthChange; i += 1) stack.pop();
  }
  return evidence;
}

function readChainLine(
  line: string,
  bare: string,
  context: { table: string; chain: Extract<Block, { kind: 'chain' }> },
  evidence: RuleEvidence,
): void {
  if (chainProperty.test(bare)) {
    if (/^type\s+nat\s+hook\b/.test(bare)) context.chain.nat = true;
    return;
  }
  const isNat = context.chain.nat || natStatement.test(bare);
  if (!isNat && !conntrackExpression.test(bare)) return;
  evidence.nat ||= isNat;
  evidence.lines.push(`${context.table} ${context.chain.name}: ${line}`);
}
