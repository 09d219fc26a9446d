/** What a firewall rule dump says about conntrack use: plain data shared by the rule parsers. */

export interface RuleEvidence {
  /** Rules that need conntrack: NAT, state/ctstate matches, CT/CONNMARK targets, `ct` expressions. */
  lines: string[];
  /** True when at least one rule does NAT (a rule in a nat table or chain, or a NAT target/statement). */
  nat: boolean;
}

/** Removes "quoted" parts so that comments naming a target cannot count as one. */
export function withoutQuoted(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** Keeps at most `limit` lines and says how many were left out, so a kube-proxy host cannot flood a report. */
export function capLines(lines: string[], limit: number): string[] {
  if (lines.length <= limit) return lines;
  return [...lines.slice(0, limit), `… ${lines.length - limit} more rule lines`];
}
