import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findModulePath, loadOrder, moduleName, modulesUnder, parseModulesDep } from './module-graph.js';

// Shape of the real modules.dep of the Debian 6.1 cloud kernel (subset).
const modulesDep = `kernel/net/netfilter/nf_conntrack.ko: kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko kernel/lib/libcrc32c.ko
kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko:
kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko:
kernel/lib/libcrc32c.ko:
kernel/net/netfilter/nf_nat.ko: kernel/net/netfilter/nf_conntrack.ko kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko kernel/lib/libcrc32c.ko
kernel/net/netfilter/xt_MASQUERADE.ko: kernel/net/netfilter/nf_nat.ko kernel/net/netfilter/nf_conntrack.ko kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko kernel/lib/libcrc32c.ko kernel/net/netfilter/x_tables.ko
kernel/net/netfilter/x_tables.ko:
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio.ko:
`;

describe('module graph', () => {
  const deps = parseModulesDep(modulesDep);

  it('orders dependencies before dependents, each module once', () => {
    const order = loadOrder(deps, [findModulePath(deps, 'xt_MASQUERADE'), findModulePath(deps, 'nf_conntrack')]).map(
      moduleName,
    );
    assert.deepEqual(order, [
      'nf_defrag_ipv6',
      'nf_defrag_ipv4',
      'libcrc32c',
      'nf_conntrack',
      'nf_nat',
      'x_tables',
      'xt_MASQUERADE',
    ]);
  });

  it('finds modules by their /proc/modules name (dashes are underscores)', () => {
    assert.equal(findModulePath(deps, 'virtio_rng'), 'kernel/drivers/char/hw_random/virtio-rng.ko');
    assert.throws(() => findModulePath(deps, 'nope'), /nope is not in modules.dep/);
  });

  it('selects whole directories', () => {
    assert.deepEqual(modulesUnder(deps, ['kernel/lib', 'kernel/drivers/virtio']), [
      'kernel/drivers/virtio/virtio.ko',
      'kernel/lib/libcrc32c.ko',
    ]);
  });

  it('rejects cycles and unknown dependencies', () => {
    assert.throws(() => loadOrder(parseModulesDep('a.ko: b.ko\nb.ko: a.ko\n'), ['a.ko']), /cycle: a.ko → b.ko → a.ko/);
    assert.throws(() => loadOrder(parseModulesDep('a.ko: c.ko\n'), ['a.ko']), /c.ko is not in modules.dep/);
  });
});
