/** The NAT/conntrack module graph per firewall backend, and how (and in which order) it can be unloaded. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildImage, kernelSkipReason, startVm, type Firewall, type Vm } from './vm.js';
import { heldByNonModules, holderMap, removalOrder } from './vm/proc-modules.js';
import { readModules, sshOk, timed } from './support.js';

const skip = kernelSkipReason();

interface Case {
  firewall: Firewall;
  loaded: string[];
  absent: string[];
  holders: Record<string, string[]>;
  /** Modules pinned by a rule or a chain rather than by another module. */
  pinnedByRules: string[];
}

const chain = ['nf_conntrack', 'nf_nat', 'xt_MASQUERADE', 'nf_defrag_ipv4', 'nf_defrag_ipv6'];
const nftHolders = { nf_conntrack: ['nf_nat', 'xt_MASQUERADE'], nf_nat: ['nft_chain_nat', 'xt_MASQUERADE'] };
const legacyHolders = {
  nf_conntrack: ['nf_nat', 'xt_MASQUERADE'],
  nf_nat: ['iptable_nat', 'xt_MASQUERADE'],
  ip_tables: ['iptable_nat'],
};

const cases: Case[] = [
  {
    firewall: 'masquerade-nft',
    loaded: [...chain, 'nft_chain_nat', 'nft_compat', 'nf_tables'],
    absent: ['iptable_nat', 'ip_tables'],
    holders: nftHolders,
    pinnedByRules: ['xt_MASQUERADE', 'nft_chain_nat'],
  },
  {
    firewall: 'masquerade-legacy',
    loaded: [...chain, 'iptable_nat', 'ip_tables'],
    absent: ['nf_tables', 'nft_chain_nat'],
    holders: legacyHolders,
    pinnedByRules: ['xt_MASQUERADE', 'iptable_nat'],
  },
  {
    firewall: 'chain-loaded-nft',
    loaded: [...chain, 'nft_chain_nat', 'nf_tables'],
    absent: ['iptable_nat', 'nft_compat'],
    holders: nftHolders,
    pinnedByRules: [],
  },
  {
    firewall: 'chain-loaded-legacy',
    loaded: [...chain, 'iptable_nat', 'ip_tables'],
    absent: ['nf_tables', 'nft_chain_nat'],
    holders: legacyHolders,
    pinnedByRules: [],
  },
];

for (const c of cases) {
  describe(`holder graph: ${c.firewall}`, { skip: skip ?? false }, () => {
    let vm: Vm;
    before(async () => {
      const image = await buildImage();
      vm = await timed(`boot (${c.firewall})`, () => startVm(image, { firewall: c.firewall }));
    });
    after(() => vm?.stop());

    it('loads the modules of this backend, held as lsmod shows', async () => {
      const modules = await readModules(vm);
      const names = modules.map((m) => m.name);
      for (const name of c.loaded) assert.ok(names.includes(name), `${name} should be loaded; have ${names.join(' ')}`);
      for (const name of c.absent) assert.ok(!names.includes(name), `${name} should not be loaded`);
      assert.deepEqual(holderMap(modules, Object.keys(c.holders)), sortValues(c.holders));
      const lsmod = await sshOk(vm, 'lsmod');
      const conntrackLine = lsmod.split('\n').find((line) => line.startsWith('nf_conntrack '));
      assert.deepEqual(conntrackLine?.trim().split(/\s+/)[3]?.split(',').sort(), c.holders.nf_conntrack);
    });

    it('shows which modules a rule pins (use count above its holder modules)', async () => {
      const pinned = heldByNonModules(await readModules(vm)).filter((name) => chain.includes(name) || /nat/.test(name));
      assert.deepEqual(pinned.sort(), [...c.pinnedByRules].sort());
    });

    it('refuses rmmod nf_conntrack while modules hold it, naming them', async () => {
      const result = await vm.ssh('rmmod nf_conntrack');
      assert.notEqual(result.exitCode, 0);
      const match = /^rmmod: ERROR: Module nf_conntrack is in use by: (.+)$/m.exec(result.stderr);
      assert.ok(match, `unexpected rmmod output: ${result.stderr}`);
      assert.deepEqual(match[1]!.trim().split(/\s+/).sort(), c.holders.nf_conntrack);
    });

    if (c.pinnedByRules.length > 0) {
      it('cannot unload the chain while a NAT rule uses it, in any order', async () => {
        const before = await readModules(vm);
        const order = removalOrder(before, 'nf_conntrack');
        const result = await vm.ssh(order.map((name) => `rmmod ${name} || exit 1`).join('\n'));
        assert.notEqual(result.exitCode, 0);
        assert.match(result.stderr, /rmmod: ERROR: Module \S+ is in use/);
        assert.ok((await readModules(vm)).some((m) => m.name === 'nf_conntrack'));
      });
      return;
    }

    it('removes the chain in holder order with rmmod and loads it back with modprobe', async () => {
      const before = await readModules(vm);
      const order = removalOrder(before, 'nf_conntrack');
      assert.equal(order.at(-1), 'nf_conntrack');
      await sshOk(vm, order.map((name) => `rmmod ${name}`).join('\n'));
      const removed = (await readModules(vm)).map((m) => m.name);
      for (const name of order) assert.ok(!removed.includes(name), `${name} still loaded after rmmod`);
      await sshOk(
        vm,
        [...order]
          .reverse()
          .map((name) => `modprobe ${name}`)
          .join('\n'),
      );
      const names = [...order, ...Object.keys(c.holders)];
      assert.deepEqual(holderMap(await readModules(vm), names), holderMap(before, names));
    });
  });
}

function sortValues(record: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(record)
      .map(([key, values]) => [key, [...values].sort()])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}
