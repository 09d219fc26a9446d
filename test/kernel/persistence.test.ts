/**
 * What survives a reboot, on a guest whose firewall (iptables-nft restore) autoloads nf_conntrack after sysctl ran:
 * the classic trap, its fix through modules-load.d, and hashsize through modprobe.d. Steps build on each other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildImage, kernelSkipReason, startVm, type Vm } from './vm.js';
import { readBootLog, readNumber, sshOk, timed } from './support.js';

const skip = kernelSkipReason();
const maxFile = '/proc/sys/net/netfilter/nf_conntrack_max';
const bucketsFile = '/proc/sys/net/netfilter/nf_conntrack_buckets';
const hashsizeFile = '/sys/module/nf_conntrack/parameters/hashsize';

describe('persistence across reboot (masquerade-nft guest)', { skip: skip ?? false }, () => {
  let vm: Vm;
  let defaultMax = 0;
  let reboots = 0;
  const reboot = (): Promise<void> => timed(`reboot ${(reboots += 1)}`, () => vm.reboot());

  before(async () => {
    const image = await buildImage();
    vm = await timed('boot (masquerade-nft)', () => startVm(image, { firewall: 'masquerade-nft' }));
  });
  after(() => vm?.stop());

  it('boots with the kernel defaults: max = buckets (Linux ≥ 5.15), sized by RAM', async () => {
    defaultMax = await readNumber(vm, maxFile);
    assert.equal(await readNumber(vm, bucketsFile), defaultMax);
    assert.ok(defaultMax >= 1024 && defaultMax < 200_000, `unexpected default max ${defaultMax}`);
  });

  it('TRAP: a max in /etc/sysctl.conf is NOT applied when only the firewall loads nf_conntrack', async () => {
    await sshOk(vm, "echo 'net.netfilter.nf_conntrack_max = 200000' >> /etc/sysctl.conf");
    await reboot();
    assert.equal(await readNumber(vm, maxFile), defaultMax);
    assert.match(await readBootLog(vm), /Couldn't write '200000' to 'net\/netfilter\/nf_conntrack_max', ignoring/);
    assert.equal((await sshOk(vm, 'ls /etc/modules-load.d')).trim(), 'modules.conf');
  });

  it('FIX: with nf_conntrack in /etc/modules-load.d the same line holds; later sysctl files win', async () => {
    await sshOk(
      vm,
      [
        'echo nf_conntrack > /etc/modules-load.d/x.conf',
        // read before sysctl.conf (99-sysctl.conf links to it), so sysctl.conf must win
        "echo 'net.netfilter.nf_conntrack_max = 150000' > /etc/sysctl.d/10-early.conf",
      ].join('\n'),
    );
    await reboot();
    assert.equal(await readNumber(vm, maxFile), 200_000);
    const log = await readBootLog(vm);
    assert.match(log, /Inserted module 'nf_conntrack'/);
    assert.match(log, /Set 'net\/netfilter\/nf_conntrack_max' to '200000'/);
  });

  it('applies `options nf_conntrack hashsize=N` from /etc/modprobe.d at boot, rounded up to 512', async () => {
    await sshOk(vm, "echo 'options nf_conntrack hashsize=5000' > /etc/modprobe.d/x.conf");
    await reboot();
    assert.equal(await readNumber(vm, bucketsFile), 5120);
    assert.equal(await readNumber(vm, hashsizeFile), 5120);
    assert.equal(await readNumber(vm, maxFile), 200_000, 'sysctl runs after the module load, so its max wins');
  });

  it('an explicit hashsize makes the boot default max 8 × the ROUNDED table size when no sysctl sets it', async () => {
    await sshOk(vm, "sed -i '/nf_conntrack_max/d' /etc/sysctl.conf /etc/sysctl.d/10-early.conf");
    await reboot();
    assert.equal(await readNumber(vm, maxFile), 8 * 5120);
    assert.equal(await readNumber(vm, bucketsFile), 5120);
  });
});
