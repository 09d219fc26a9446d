/**
 * Whether kube-proxy runs: it resets nf_conntrack_max on its own. Its process name (comm, proc(5)) is read by the
 * gather's shared grep (`grep` below): one exact line `kube-proxy` in some /proc/PID/comm. The shell's own `read`
 * costs ~15 read calls per process (dash reads a byte at a time): ~25 ms of CPU on a host with 1,200 processes
 * against ~10 for grep. Where the grep could not read them (cf_grep_procs, gather.sh), the shell reads them.
 */
import { flagValue, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

// no other file of the shared grep has a name ending in /comm, and the pattern is the whole line
const kubeProxySh = String.raw`cf_kube=0
if [ "$cf_grep_procs" = 1 ]; then
  case $cf_lines in *"/comm:kube-proxy$cf_nl"*) cf_kube=1 ;; esac
else
  for cf_f in /proc/[0-9]*/comm; do
    { read -r cf_comm < "$cf_f"; } 2>/dev/null || continue
    if [ "$cf_comm" = kube-proxy ]; then cf_kube=1; break; fi
  done
fi
cf_value kube_proxy "$cf_kube"`;

export const kubeProxySection: FactSection<Pick<HostFacts, 'kubeProxy'>> = {
  name: 'kube-proxy',
  sh: () => kubeProxySh,
  grep: { files: ['/proc/[0-9]*/comm'], pattern: '^kube-proxy$' },
  read: ({ frame }) => ({ kubeProxy: flagValue(frame, 'kube_proxy') }),
};
