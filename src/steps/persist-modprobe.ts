/**
 * Makes the persisted hashsize the one kmod passes at boot: kmod merges the modprobe.d directories like
 * sysctl.d (modprobe.d(5)) and a later `options nf_conntrack hashsize=` wins, so such lines in files read after
 * ours are commented out (the user's files under /etc) or the plan is refused with the file:line. Pure.
 */
import type { BootConfig } from '../facts/types.js';
import { planFileChange, readBytesText } from '../changes/file-state.js';
import { findHashsizeLines, modprobeConfPath, rewriteModprobeText } from './module-files.js';
import { isEditable, lineAt, shown, type BootFix } from './persist-boot.js';
import { modprobeReadOrder } from './sysctl-order.js';

/** `hashsize`: the value our file will hold, or null when it will hold none (then marked lines are restored). */
export function planModprobeBoot(config: BootConfig, hashsize: number | null): BootFix {
  const fix: BootFix = { changes: [], notes: [] };
  const cmdline = config.cmdlineHashsize;
  if (hashsize !== null && cmdline !== null && cmdline !== String(hashsize)) {
    const refusal =
      `the kernel command line sets nf_conntrack.hashsize=${cmdline}, which kmod applies after every modprobe.d file, ` +
      `so if the next boot keeps it, it wins over ${hashsize}: remove it from the boot loader config or set_hashsize ${cmdline}`;
    return { ...fix, refusal };
  }
  const order = modprobeReadOrder(config, hashsize === null ? [] : [modprobeConfPath]);
  const ours = order.findIndex((f) => f.path === modprobeConfPath);
  const later = hashsize === null || ours < 0 ? [] : order.slice(ours + 1);
  const touched = new Set<string>();
  for (const file of later) {
    if (!file.mentions || touched.has(file.realPath)) continue;
    if (file.state === null) return { ...fix, refusal: `${shown(file)} is read after ${modprobeConfPath} by modprobe and could not be read` };
    const found = findHashsizeLines(readBytesText(file.state), hashsize as number);
    if (found.length === 0) continue;
    const what = `${lineAt(file, found[0]!.line)} sets nf_conntrack hashsize=${found[0]!.value} and is read after ${modprobeConfPath} by modprobe, so it wins over ${hashsize}`;
    if (!isEditable(file)) return { ...fix, refusal: `${what}; it is not under /etc: remove it or set the same hashsize there` };
    touched.add(file.realPath);
    const change = planFileChange(file.realPath, file.state, rewriteModprobeText(readBytesText(file.state), new Set(found.map((f) => f.line))));
    if (change) fix.changes.push(change);
    fix.notes.push(`${what}: commented out`);
  }
  if (hashsize !== null) return fix;
  for (const file of config.files) {
    if (!isEditable(file) || touched.has(file.realPath) || !file.path.includes('/modprobe.d/')) continue;
    touched.add(file.realPath);
    const change = planFileChange(file.realPath, file.state, rewriteModprobeText(readBytesText(file.state), new Set(), true));
    if (change) fix.changes.push(change);
  }
  return fix;
}
