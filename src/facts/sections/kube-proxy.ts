/** Whether kube-proxy runs: it resets nf_conntrack_max on its own. Inline shell: the shell's own `read` per process. */
import { flagValue, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

const kubeProxySh = String.raw`cf_kube=0
for cf_f in /proc/[0-9]*/comm; do
  { read -r cf_comm < "$cf_f"; } 2>/dev/null || continue
  if [ "$cf_comm" = kube-proxy ]; then cf_kube=1; break; fi
done
cf_value kube_proxy "$cf_kube"`;

export const kubeProxySection: FactSection<Pick<HostFacts, 'kubeProxy'>> = {
  name: 'kube-proxy',
  sh: () => kubeProxySh,
  read: ({ frame }) => ({ kubeProxy: flagValue(frame, 'kube_proxy') }),
};
