# shellcheck shell=sh
# The fixed part of the gather script; protocol in src/facts/gather-script-body.ts. Needs link-chain.sh.
# lc_end and lc_chain are set by lc_walk (link-chain.sh, sent first)
# shellcheck disable=SC2154
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH

cf_begin() { printf '@@begin %s\n' "$*"; }
cf_end() { echo '@@end'; }
cf_value() { printf '@@value %s %s\n' "$1" "$2"; }
cf_problem() { printf '@@problem %s\n' "$*"; }
cf_lines() { awk '{ print "|" $0 }' "$@"; }
# small seq_file/sysfs files are read with the shell's own `read`: no process per file. Never /proc/sys integers:
# dash reads one byte at a time and such a sysctl answers a read at offset > 0 with EOF. Big files and command
# output still go through one awk.
cf_small_lines() {
  while IFS= read -r cf_line || [ -n "$cf_line" ]; do printf '|%s\n' "$cf_line"; done < "$1"
}
cf_has() { command -v "$1" >/dev/null 2>&1; }
cf_flag() { if "$@" 2>/dev/null; then echo 1; else echo 0; fi; }

# stdout and stderr are captured apart and printed one after the other, so they never interleave
cf_run() {
  cf_begin "$1"; shift
  cf_err=$( { cf_out=$("$@" 2>&4 4>&-); cf_rc=$?
    if [ -n "$cf_out" ]; then printf '%s\n' "$cf_out" | cf_lines >&5; fi
    echo "@@rc $cf_rc" >&5; } 4>&1 )
  if [ -n "$cf_err" ]; then printf '%s\n' "$cf_err" | awk '{ print "!" $0 }'; fi
  cf_end
}

cf_loaded_has() {
  case "
$cf_loaded
" in *"
$1
"*) return 0 ;; esac
  return 1
}
cf_builtin() { grep -q "/$1\.ko\$" "/lib/modules/$cf_kernel/modules.builtin" 2>/dev/null; }
# without /proc/sys/kernel/modprobe the kernel has no module loader, so nothing can be autoloaded
cf_no_autoload() {
  [ -e /proc/sys/kernel/modprobe ] || return 0
  [ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null)" = 1 ]
}

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
  cf_kernel=''; { read -r cf_kernel < /proc/sys/kernel/osrelease; } 2>/dev/null || cf_kernel=$(uname -r 2>/dev/null)
  cf_value kernel "$cf_kernel"
  cf_uid; cf_value uid "$cf_u"
  cf_cpus; cf_value cpus "$cf_n"
  cf_begin meminfo
  while read -r cf_line; do
    case $cf_line in MemTotal:*) printf '|%s\n' "$cf_line"; break ;; esac
  done 2>/dev/null < /proc/meminfo
  cf_end
}

cf_modules() {
  cf_loaded=''
  if [ -r /proc/modules ]; then
    cf_loaded=$(awk '{ print $1 }' /proc/modules)
    if cf_has lsmod; then cf_run lsmod lsmod; else cf_begin proc-modules; cf_lines /proc/modules; cf_end; fi
  elif cf_has lsmod && cf_lsmod=$(lsmod 2>/dev/null); then
    # no /proc/modules yet lsmod answers: a stand-in (the lab, a container shim); trust what it lists
    cf_loaded=$(printf '%s\n' "$cf_lsmod" | awk 'NR > 1 { print $1 }')
    cf_run lsmod lsmod
  fi
}

cf_presence() {
  cf_value conntrack_listed "$(cf_flag cf_loaded_has nf_conntrack)"
  cf_value conntrack_sys_module "$(cf_flag test -d /sys/module/nf_conntrack)"
  cf_value conntrack_initstate "$(cf_flag test -e /sys/module/nf_conntrack/initstate)"
  cf_value conntrack_builtin_list "$(cf_flag cf_builtin nf_conntrack)"
}

# busybox test -w says yes to root for every file; a knob without any w bit refuses root too
cf_mode_writable() {
  case $(stat -L -c %A "$1" 2>/dev/null) in *w*|'') return 0 ;; *) return 1 ;; esac
}

cf_knob() {
  cf_flags=-; cf_v=''
  if [ -e "$1" ]; then
    cf_flags=e
    # not `read`: it reads one byte at a time, and an integer sysctl answers a read at offset > 0 with EOF
    if [ -r "$1" ]; then cf_flags="$cf_flags"r; cf_v=$(cat "$1" 2>/dev/null); fi
    if [ -w "$1" ] && cf_mode_writable "$1"; then cf_flags="$cf_flags"w; fi
  fi
  printf '|%s\t%s\t%s\n' "$1" "$cf_flags" "$cf_v"
}

cf_counters() {
  # FILE:VALUE lines, as `grep . FILES` prints them; one process for every file (integer sysctls cannot be `read`)
  cf_begin timeouts; awk 'NF { print "|" FILENAME ":" $0 }' /proc/sys/net/netfilter/nf_conntrack_*timeout* 2>/dev/null; cf_end
  # per-netns counters cannot be faked in /proc, so the lab points this at a stand-in (sshd SetEnv)
  cf_stat_file=${CONNTRACK_FLEET_STAT_FILE:-/proc/net/stat/nf_conntrack}
  if [ -r "$cf_stat_file" ]; then cf_begin stats; cf_small_lines "$cf_stat_file"; cf_end; fi
  if [ -r /proc/slabinfo ]; then
    cf_begin slabinfo; awk '/^(# name|nf_conntrack )/ { print "|" $0 }' /proc/slabinfo; cf_end
  elif [ -e /proc/slabinfo ]; then
    cf_problem "cannot read /proc/slabinfo: bytes per conntrack entry unknown"
  fi
}

# $1 save tool, $2 its legacy twin, $3 the legacy backend's table list; never a command that autoloads
cf_xtables() {
  cf_legacy_kernel=0; [ -e "$3" ] && cf_legacy_kernel=1
  cf_backend=none
  if cf_has "$1"; then
    case $("$1" --version 2>/dev/null) in
      *nf_tables*) cf_backend=nft; if [ "$cf_nft_kernel" = 1 ]; then cf_run "rules $1" "$1"; fi ;;
      *) cf_backend=legacy; if [ "$cf_legacy_kernel" = 1 ]; then cf_run "rules $1" "$1"; fi ;;
    esac
  elif [ "$cf_nft_kernel" = 1 ] || [ "$cf_legacy_kernel" = 1 ]; then
    cf_problem "$1 not found: its rules were not read"
  fi
  # tables of the legacy backend are invisible to an nf_tables-based save tool
  if [ "$cf_backend" != legacy ] && [ "$cf_legacy_kernel" = 1 ] && grep -q . "$3" 2>/dev/null; then
    if cf_has "$2"; then cf_run "rules $2" "$2"; else cf_problem "$2 not found: legacy tables in $3 were not read"; fi
  fi
}

cf_rules() {
  cf_nft_kernel=0
  if cf_loaded_has nf_tables || [ -d /sys/module/nf_tables ] || cf_builtin nf_tables || cf_no_autoload; then cf_nft_kernel=1; fi
  cf_xtables iptables-save iptables-legacy-save /proc/net/ip_tables_names
  cf_xtables ip6tables-save ip6tables-legacy-save /proc/net/ip6_tables_names
  if [ "$cf_nft_kernel" = 1 ]; then
    if cf_has nft; then cf_run 'rules nft' nft list ruleset; else cf_problem 'nft not found: nf_tables rules were not read'; fi
  fi
}

cf_kube_proxy() {
  cf_kube=0
  for cf_f in /proc/[0-9]*/comm; do
    { read -r cf_comm < "$cf_f"; } 2>/dev/null || continue
    if [ "$cf_comm" = kube-proxy ]; then cf_kube=1; break; fi
  done
  cf_value kube_proxy "$cf_kube"
}

# a symlink (chain) is followed to the regular file, and each link and the canonical end are printed first
cf_file() {
  cf_begin file "$1"
  cf_f=$2
  if ! lc_walk "$2"; then echo '|link-loop'; cf_end; return; fi
  if [ -n "$lc_chain" ]; then
    for cf_hop in $lc_chain; do echo "|link $cf_hop"; done
    cf_real=$(readlink -f "$2" 2>/dev/null) || cf_real=$lc_end
    echo "|real $(lc_hex "$cf_real")"
    cf_f=$lc_end
  fi
  if [ ! -e "$cf_f" ]; then echo '|absent'
  elif [ -d "$cf_f" ]; then echo '|directory'
  elif [ ! -f "$cf_f" ]; then echo '|not-a-file'
  elif [ ! -r "$cf_f" ]; then echo '|unreadable'
  elif ! cf_meta=$(stat -L -c '%a %u %g' "$cf_f" 2>/dev/null); then echo '|no-stat'
  elif cf_has base64; then
    cf_data=$(base64 -w0 < "$cf_f" 2>/dev/null) || cf_data=$(base64 < "$cf_f" | tr -d '\n')
    printf '|meta %s\n|base64 %s\n' "$cf_meta" "$cf_data"
  else
    printf '|meta %s\n|hex %s\n' "$cf_meta" "$(od -An -v -tx1 < "$cf_f" | tr -d ' \n')"
  fi
  cf_end
}
