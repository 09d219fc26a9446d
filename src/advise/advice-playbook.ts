/**
 * `advise --write-playbook`: the advice as a playbook `run` accepts unchanged. Each step carries the most common
 * value; hosts that differ get theirs through the step's `per_host:` (see docs/playbooks or README). Pure: returns text.
 */
import { stringify } from 'yaml';
import { escapeControl } from '../config/escape.js';
import type { HostAdvice } from './advise-host.js';

export interface AdvisedHost {
  host: string;
  advice: HostAdvice;
}

export interface AdvicePlaybookMeta {
  /** The -i options as typed (e.g. `-i inv.yaml -i extra.ini`), for the comment that says how to redo the reasoning. */
  inventory: string;
  headroom: number;
  memoryPercent: number;
  writtenAt: Date;
}

type Options = Record<string, unknown>;

/** The value most hosts share (ties: the first seen), compared by JSON. */
function mostCommon(values: Options[]): Options {
  const counts = new Map<string, { value: Options; n: number }>();
  for (const value of values) {
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { value, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].reduce((best, entry) => (entry.n > best.n ? entry : best)).value;
}

/** `{ STEP: base, per_host: { host: options } }` with per_host only for hosts that differ from the base. */
function stepWithHosts(kind: string, byHost: Map<string, Options>): Record<string, unknown> {
  const base = mostCommon([...byHost.values()]);
  const perHost = Object.fromEntries(
    [...byHost].filter(([, options]) => JSON.stringify(options) !== JSON.stringify(base)),
  );
  return Object.keys(perHost).length === 0 ? { [kind]: base } : { [kind]: base, per_host: perHost };
}

/** Every advised timeout name, set on every host: its advice, else its current value (a no-op there). */
function timeoutOptions(hosts: AdvisedHost[]): Map<string, Options> | null {
  const names = [...new Set(hosts.flatMap((h) => Object.keys(h.advice.timeouts)))].sort();
  if (names.length === 0) return null;
  return new Map(
    hosts.map((h) => [
      h.host,
      Object.fromEntries(
        names.flatMap((name) => {
          const seconds = h.advice.timeouts[name] ?? h.advice.current.timeouts[name];
          return seconds === undefined ? [] : [[name, seconds]];
        }),
      ),
    ]),
  );
}

/** Null when no host has advice (every host refused or unreachable): there is nothing to apply. */
export function buildAdvicePlaybook(all: AdvisedHost[], meta: AdvicePlaybookMeta): string | null {
  const hosts = all.filter((h) => h.advice.max !== null && h.advice.bucketsExpr !== null);
  if (hosts.length === 0) return null;
  const steps: unknown[] = [{ check_count: {} }];
  steps.push(
    stepWithHosts(
      'raise_max',
      new Map(hosts.map((h) => [h.host, { value: h.advice.max, max_memory_percent: meta.memoryPercent }])),
    ),
  );
  steps.push(stepWithHosts('set_hashsize', new Map(hosts.map((h) => [h.host, { value: h.advice.bucketsExpr }]))));
  const timeouts = timeoutOptions(hosts);
  if (timeouts) steps.push(stepWithHosts('set_timeouts', timeouts));
  steps.push({ persist: { sysctl_d: true } });
  const playbook = {
    name: 'Apply conntrack-fleet advise',
    hosts: hosts.map((h) => h.host).join(':'),
    serial: [1, '100%'],
    max_fail_percentage: 0,
    steps,
  };
  const left = all.length - hosts.length;
  // the inventory path is the user's; a newline in it must not end the comment (escaped by the one rule)
  const inventory = escapeControl(meta.inventory);
  const header = [
    `# Written by conntrack-fleet advise at ${meta.writtenAt.toISOString()} from ${inventory}`,
    `# (headroom ${meta.headroom}, memory cap ${meta.memoryPercent} % of RAM; reasoning: conntrack-fleet advise ${inventory}).`,
    ...(left > 0 ? [`# ${left} host(s) without advice (refused or unreachable) are not in hosts:.`] : []),
    '# Review it, then: conntrack-fleet run THIS_FILE -i INVENTORY --check --diff',
  ];
  return `${header.join('\n')}\n${stringify(playbook)}`;
}
