import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  debFileName,
  missingDepends,
  parseAptShow,
  parseDependsField,
  pickNewestKernel,
  type PackageRecord,
} from './apt-records.js';

const show = `Package: openssh-server
Version: 1:9.2p1-2+deb12u10
Architecture: amd64
Pre-Depends: init-system-helpers (>= 1.54~)
Depends: adduser, libpam-modules, debconf (>= 0.5) | debconf-2.0, libc6 (>= 2.36),
 zlib1g (>= 1:1.1.4), libssl3:any
Description: secure shell (SSH) server
 continued description line: Depends: not-a-field

Package: netbase
Version: 6.4
Architecture: all
`;

describe('apt records', () => {
  it('parses stanzas with continuation lines, Pre-Depends first', () => {
    const [ssh, netbase] = parseAptShow(show);
    assert.deepEqual(ssh, {
      name: 'openssh-server',
      version: '1:9.2p1-2+deb12u10',
      architecture: 'amd64',
      depends: ['init-system-helpers', 'adduser', 'libpam-modules', 'debconf', 'libc6', 'zlib1g', 'libssl3'],
    });
    assert.deepEqual(netbase, { name: 'netbase', version: '6.4', architecture: 'all', depends: [] });
  });

  for (const [field, expected] of [
    ['', []],
    ['a', ['a']],
    ['a (>= 1), b | c, d:any', ['a', 'b', 'd']],
    ['libfoo1 (= 2:1.0-1) [amd64]', ['libfoo1']],
  ] as [string, string[]][]) {
    it(`parseDependsField(${JSON.stringify(field)})`, () => assert.deepEqual(parseDependsField(field), expected));
  }

  it('follows only shared-library packages not yet known and not skipped', () => {
    const record = (name: string, depends: string[]): [string, PackageRecord] => [
      name,
      { name, version: '1', architecture: 'amd64', depends },
    ];
    const records = new Map([
      record('bash', ['base-files', 'libtinfo6', 'debianutils']),
      record('kmod', ['libkmod2', 'libc6', 'zlib1g', 'libpam-runtime']),
    ]);
    records.set('libc6', { name: 'libc6', version: '1', architecture: 'amd64', depends: [] });
    assert.deepEqual(missingDepends(records, new Set(['libpam-runtime'])), ['libkmod2', 'libtinfo6', 'zlib1g']);
  });

  it('names .deb files as apt-get download does (epoch colon encoded)', () => {
    assert.equal(
      debFileName({ name: 'openssh-server', version: '1:9.2p1-2', architecture: 'amd64', depends: [] }),
      'openssh-server_1%3a9.2p1-2_amd64.deb',
    );
  });

  it('picks the newest 6.1 cloud kernel ABI when the pin is gone', () => {
    const names = [
      'linux-image-6.1.0-47-cloud-amd64-unsigned',
      'linux-image-6.1.0-56-cloud-amd64-unsigned',
      'linux-image-6.12.1+deb12-cloud-amd64-unsigned',
      'linux-image-6.1.0-9-cloud-amd64-unsigned',
    ];
    assert.equal(
      pickNewestKernel(names, /^linux-image-6\.1\.0-\d+-cloud-amd64-unsigned$/),
      'linux-image-6.1.0-56-cloud-amd64-unsigned',
    );
    assert.equal(pickNewestKernel([], /x/), undefined);
  });
});
