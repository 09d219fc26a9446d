import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAdvicePlaybook } from '../../src/advise/advice-playbook.js';
import { adviseHost, defaultAdviseOptions } from '../../src/advise/advise-host.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { parsePlaybook } from '../../src/playbook/load-playbook.js';
import { planHost } from '../../src/steps/definitions.js';
import { legacy4x, modular61Nft } from '../fixtures/steps/facts.js';

const meta = { inventory: '-i inv.yaml', headroom: 2, memoryPercent: 5, writtenAt: new Date(0) };
const timeWaitSample = {
  entries: 1000,
  tcp: 900,
  timeWait: 600,
  established: 300,
  establishedIdle: 0,
  idleSeconds: 3600,
};

describe('buildAdvicePlaybook: one playbook, per-host values, accepted by the loader', () => {
  const web1 = modular61Nft(); // quiet: keeps 65536
  const web2 = { ...modular61Nft(), count: 60000 }; // busy: 131072
  const web3 = { ...modular61Nft(), count: 50000 }; // busy: 131072, TIME_WAIT heavy
  const old = { ...legacy4x(), count: 100000 }; // 262144, max/4
  const hosts = [
    { host: 'web1', advice: adviseHost(web1, null, defaultAdviseOptions) },
    { host: 'web2', advice: adviseHost(web2, null, defaultAdviseOptions) },
    { host: 'web3', advice: adviseHost(web3, timeWaitSample, defaultAdviseOptions) },
    { host: 'old1', advice: adviseHost(old, null, defaultAdviseOptions) },
    {
      host: 'tiny',
      advice: adviseHost(
        { ...modular61Nft(), count: 10_000_000, memTotalBytes: 1024 ** 3 },
        null,
        defaultAdviseOptions,
      ),
    },
  ];
  const text = buildAdvicePlaybook(hosts, meta);
  assert.ok(text);
  const playbook = parsePlaybook(parseYamlSource('advice.yaml', text));
  const factsOf: Record<string, typeof web1> = { web1, web2, web3, old1: old };

  it('hosts: every advised host; the refused one is left out and said so', () => {
    assert.equal(playbook.hosts, 'web1:web2:web3:old1');
    assert.match(text, /^# 1 host\(s\) without advice/m);
  });

  for (const [host, max, buckets] of [
    ['web1', 65536, 65536],
    ['web2', 131072, 131072],
    ['web3', 131072, 131072],
    ['old1', 262144, 65536],
  ] as const) {
    it(`${host}: the plan sets nf_conntrack_max ${max} and buckets ${buckets}`, () => {
      const plans = planHost(factsOf[host] ?? web1, playbook, host).steps;
      const raise = plans.find((p) => p.step === 'raise_max');
      const hash = plans.find((p) => p.step === 'set_hashsize');
      assert.deepEqual(raise?.after, { max });
      assert.deepEqual(hash?.after, { buckets });
      assert.equal(raise?.refusal, undefined);
    });
  }

  it('timeouts: web3 gets its TIME_WAIT advice, the others keep their current value (a no-op)', () => {
    const timeouts = (host: string) =>
      planHost(factsOf[host] ?? web1, playbook, host).steps.find((p) => p.step === 'set_timeouts');
    assert.equal(timeouts('web3')?.changes.length, 1);
    assert.equal(timeouts('web1')?.changes.length, 0);
    assert.equal(timeouts('old1')?.changes.length, 0);
  });

  it('no host advised: no playbook', () => {
    const refused = hosts.filter((h) => h.advice.refusal !== null);
    assert.equal(refused.length, 1);
    assert.equal(buildAdvicePlaybook(refused, meta), null);
  });
});

describe('buildAdvicePlaybook: the inventory in the header comment', () => {
  it('is escaped by the one rule, so a newline or ESC in the path cannot end the comment', () => {
    const hosts = [
      { host: 'web2', advice: adviseHost({ ...modular61Nft(), count: 60000 }, null, defaultAdviseOptions) },
    ];
    const text = buildAdvicePlaybook(hosts, { ...meta, inventory: '-i inv\nhosts: x\u001b.yaml' }) ?? '';
    assert.match(text, /^# Written by conntrack-fleet advise at .* from -i inv\\nhosts: x\\x1b\.yaml$/m);
    assert.doesNotMatch(text, /^hosts: x/m);
  });
});
