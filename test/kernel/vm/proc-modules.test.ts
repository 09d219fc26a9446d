import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heldByNonModules, holderMap, parseProcModules, removalOrder } from './proc-modules.js';

// /proc/modules of the Debian 6.1 guest with an iptables-nft MASQUERADE rule (captured from the test machine).
const masqueradeNft = `nft_chain_nat 16384 4 - Live 0x0000000000000000
xt_MASQUERADE 20480 1 - Live 0x0000000000000000
nf_nat 57344 2 nft_chain_nat,xt_MASQUERADE, Live 0x0000000000000000
nf_conntrack 188416 2 xt_MASQUERADE,nf_nat, Live 0x0000000000000000
nf_defrag_ipv6 24576 1 nf_conntrack, Live 0x0000000000000000
nf_defrag_ipv4 16384 1 nf_conntrack, Live 0x0000000000000000
nft_compat 20480 1 - Live 0x0000000000000000
nf_tables 303104 5 nft_chain_nat,nft_compat, Live 0x0000000000000000
libcrc32c 16384 3 nf_nat,nf_conntrack,nf_tables, Live 0x0000000000000000
x_tables 61440 2 xt_MASQUERADE,nft_compat, Live 0x0000000000000000
`;

describe('/proc/modules holder graph', () => {
  const modules = parseProcModules(masqueradeNft);

  it('parses use counts and holders', () => {
    assert.equal(modules.length, 10);
    assert.deepEqual(
      modules.find((m) => m.name === 'nf_conntrack'),
      { name: 'nf_conntrack', useCount: 2, holders: ['nf_nat', 'xt_MASQUERADE'] },
    );
    assert.deepEqual(modules.find((m) => m.name === 'nft_chain_nat')?.holders, []);
  });

  it('removes holders before what they hold, the target last', () => {
    const order = removalOrder(modules, 'nf_conntrack');
    assert.equal(order.at(-1), 'nf_conntrack');
    assert.deepEqual([...order].sort(), ['nf_conntrack', 'nf_nat', 'nft_chain_nat', 'xt_MASQUERADE']);
    for (const module of modules.filter((m) => order.includes(m.name))) {
      for (const holder of module.holders)
        assert.ok(order.indexOf(holder) < order.indexOf(module.name), `${holder} before ${module.name}`);
    }
  });

  it('refuses a module that is not loaded', () => {
    assert.throws(() => removalOrder(modules, 'iptable_nat'), /iptable_nat is not loaded/);
  });

  it('finds modules pinned by rules, chains or tables rather than by modules', () => {
    assert.deepEqual(heldByNonModules(modules), ['nft_chain_nat', 'xt_MASQUERADE', 'nft_compat', 'nf_tables']);
  });

  it('maps names to holders for comparisons', () => {
    assert.deepEqual(holderMap(modules, ['nf_nat', 'absent']), { nf_nat: ['nft_chain_nat', 'xt_MASQUERADE'] });
  });
});
