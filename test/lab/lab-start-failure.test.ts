import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { labSkipReason, startLab } from './lab.js';
import { findProcessesMounting } from './leftovers.js';

describe('lab: a startup that fails midway', { skip: labSkipReason() ?? false }, () => {
  let tmp = '';
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('tears down the hosts that did start, and leaves no state behind', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-lab-fail-'));
    const dir = path.join(tmp, 'lab');
    // A plain file where lab2's directory must go: lab2 fails while lab1 and lab3 start.
    await mkdir(path.join(dir, 'hosts'), { recursive: true });
    await writeFile(path.join(dir, 'hosts', 'lab2'), 'in the way\n');
    await assert.rejects(startLab({ count: 3, dir, portBase: 24220 }), /lab start failed: .*lab2/);
    assert.deepEqual(findProcessesMounting(dir), []);
    assert.equal(existsSync(path.join(dir, 'state.json')), false);
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
  });
});
