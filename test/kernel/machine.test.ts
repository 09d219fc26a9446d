/** Proves the test machine itself: a real Debian 6.1 kernel with nf_conntrack as a module, reachable over SSH. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readSshBanner } from './vm/banner.js';
import { lastBootLines } from './vm/console.js';
import { buildImage, chooseAccel, kernelSkipReason, startVm, type ImageInfo, type Vm } from './vm.js';
import { readModules, sshOk, timed } from './support.js';

const skip = kernelSkipReason();

describe('test machine: boot', { skip: skip ?? false }, () => {
  let image: ImageInfo;
  let vm: Vm;

  before(async () => {
    image = await timed('image build (or cache hit)', () => buildImage());
    console.log(
      `kernel-timing: image ${image.key} builtNow=${image.builtNow} phases ${JSON.stringify(image.phasesMs)}`,
    );
    const accel = await chooseAccel(image.kernelFile);
    console.log(`kernel-vm: accelerator ${accel.accel} (${accel.reason})`);
    vm = await timed('boot (firewall none)', () => startVm(image, { firewall: 'none' }));
    for (const line of lastBootLines(vm.consoleLog()).filter((l) => l.includes('stage ')))
      console.log(`kernel-guest: ${line}`);
  });
  after(() => vm?.stop());

  it('answers with an OpenSSH banner on its forwarded port', async () => {
    assert.equal(await readSshBanner(vm.port, 5000), true);
  });

  it('runs the pinned Debian kernel and logs its boot stages to the serial console', async () => {
    assert.equal((await sshOk(vm, 'uname -r')).trim(), image.kernelRelease);
    const console = vm.consoleLog();
    assert.match(console, /Linux version 6\.1\./);
    for (const stage of ['load_modules', 'apply_sysctl', 'start_firewall', 'start_network', 'start_sshd']) {
      assert.match(console, new RegExp(`ctf-boot: stage ${stage} done`));
    }
  });

  it('has nf_conntrack as a loadable MODULE, not built in', async () => {
    const before = await readModules(vm);
    assert.equal(
      before.some((m) => m.name === 'nf_conntrack'),
      false,
      'nothing loads it when there is no firewall',
    );
    const out = await sshOk(
      vm,
      [
        'modprobe nf_conntrack',
        'grep -c "^nf_conntrack " /proc/modules',
        'cat /sys/module/nf_conntrack/initstate',
        'modinfo -n nf_conntrack',
        'grep -c nf_conntrack.ko "/lib/modules/$(uname -r)/modules.builtin" || true',
      ].join('\n'),
    );
    const [count, initstate, file, builtin] = out.trim().split('\n');
    assert.equal(count, '1');
    assert.equal(initstate, 'live'); // built-in modules have no initstate
    assert.match(file ?? '', /\/kernel\/net\/netfilter\/nf_conntrack\.ko$/);
    assert.equal(builtin, '0');
  });

  it('configures eth0 statically with the address slirp expects', async () => {
    const out = await sshOk(vm, 'ip -4 addr show eth0; ip route');
    assert.match(out, /inet 10\.0\.2\.15\/24/);
    assert.match(out, /default via 10\.0\.2\.2/);
  });
});
