/**
 * A lab fleet held up for profiling by hand (docs/benchmarks.md, Controller):
 *   tsx test/bench/hold-fleet.ts HOSTS DIR [PORT_BASE]
 * starts HOSTS lab hosts (lab-fleet.ts) under DIR, snapshots them (host-reset.ts) and writes DIR/fleet.yaml; then reads
 * commands, one a line, on stdin: `reset` puts every host back to the snapshot (so the next tune changes every host
 * again), `down` (or the end of stdin) stops every lab it started and exits.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { resetHosts, snapshotHosts } from '../lab/host-reset.js';
import { startLabFleet } from './lab-fleet.js';

const hosts = Number(process.argv[2] ?? '100');
const dir = path.resolve(process.argv[3] ?? '.bench-hold');
const portBase = Number(process.argv[4] ?? '43000');

const fleet = await startLabFleet(hosts, dir, portBase);
try {
  for (const lab of fleet.labs) await snapshotHosts(lab);
  console.log(`ready ${fleet.inventoryFile}`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'down') {
      lines.close();
      break;
    }
    if (line.trim() === 'reset') {
      for (const lab of fleet.labs) await resetHosts(lab);
      console.log('reset done');
    }
  }
} finally {
  await fleet.down();
  console.log('down');
  // stdin may be a FIFO that another writer still holds open: leave without waiting for its end
  process.exit(0);
}
