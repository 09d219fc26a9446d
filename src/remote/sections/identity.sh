# shellcheck shell=sh
# The identity section (src/facts/sections/identity.ts): kernel release, effective uid, online CPUs, MemTotal.
# Sets cf_kernel for later sections. Only the shell's own `read`: these are small seq_file/sysfs files.

# effective uid: the second number of `Uid:` in /proc/self/status (proc(5)); `id -u` where /proc is missing
cf_uid() {
  cf_u=''
  while read -r cf_k cf_rest; do
    # shellcheck disable=SC2086 # split the four uids
    if [ "$cf_k" = Uid: ]; then set -- $cf_rest; cf_u=${2:-}; break; fi
  done 2>/dev/null < /proc/self/status
  [ -n "$cf_u" ] || cf_u=$(id -u 2>/dev/null)
}

# online CPUs from /sys/devices/system/cpu/online ("0-3,5"), as getconf _NPROCESSORS_ONLN counts them
cf_cpus() {
  cf_n=0; cf_on=''
  { read -r cf_on < /sys/devices/system/cpu/online; } 2>/dev/null
  cf_ifs=$IFS; IFS=,
  for cf_r in $cf_on; do
    case $cf_r in
      *[!0-9-]*|'') cf_n=0; break ;;
      *-*) cf_n=$((cf_n + ${cf_r#*-} - ${cf_r%-*} + 1)) ;;
      *) cf_n=$((cf_n + 1)) ;;
    esac
  done
  IFS=$cf_ifs
  [ "$cf_n" -gt 0 ] || cf_n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c '^processor' /proc/cpuinfo 2>/dev/null)
}

cf_identity() {
  # osrelease is a proc_dostring sysctl: a read at an offset answers the rest, so byte-by-byte `read` works
  cf_kernel=''; { read -r cf_kernel < /proc/sys/kernel/osrelease; } 2>/dev/null || cf_kernel=$(uname -r 2>/dev/null)
  cf_value kernel "$cf_kernel"
  cf_uid; cf_value uid "$cf_u"
  cf_cpus; cf_value cpus "$cf_n"
  cf_begin meminfo
  while read -r cf_line; do
    case $cf_line in MemTotal:*) printf '%s\n' "$cf_line"; break ;; esac
  done 2>/dev/null < /proc/meminfo
  cf_end
}
