# shellcheck shell=sh
# The tune playbook's work done by hand in ONE ssh session per host (bench/parallel-ssh.sh sends this text as the
# remote command): read usage, raise max, size the hash table to max/4, shorten two TCP timeouts, persist them
# (sysctl.d and modprobe.d), read everything back. Shell builtins only: no process is started on the host.
# No snapshot, no journal, no lock, no rollback: the practical floor for this work, not an equivalent of the tool.
d=/proc/sys/net/netfilter
read -r count < "$d/nf_conntrack_count" || exit 1
read -r max < "$d/nf_conntrack_max" || exit 1
echo 262144 > "$d/nf_conntrack_max" || exit 1
echo 65536 > /sys/module/nf_conntrack/parameters/hashsize || exit 1
echo 86400 > "$d/nf_conntrack_tcp_timeout_established" || exit 1
echo 90 > "$d/nf_conntrack_tcp_timeout_time_wait" || exit 1
printf '%s\n' 'net.netfilter.nf_conntrack_max = 262144' 'net.netfilter.nf_conntrack_tcp_timeout_established = 86400' \
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait = 90' > /etc/sysctl.d/90-conntrack.conf || exit 1
echo 'options nf_conntrack hashsize=65536' > /etc/modprobe.d/90-conntrack.conf || exit 1
read -r new_max < "$d/nf_conntrack_max"
read -r new_hashsize < /sys/module/nf_conntrack/parameters/hashsize
read -r new_established < "$d/nf_conntrack_tcp_timeout_established"
read -r new_time_wait < "$d/nf_conntrack_tcp_timeout_time_wait"
echo "count $count max $max -> $new_max hashsize $new_hashsize timeouts $new_established $new_time_wait"
[ "$new_max $new_hashsize $new_established $new_time_wait" = '262144 65536 86400 90' ]
