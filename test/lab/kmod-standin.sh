#!/bin/sh
# Lab stand-in for kmod 30's lsmod, rmmod and modprobe (installed as symlinks to this file), plus
# `lab-kmod init|use`, the lab's own helper. The kernel here has nf_conntrack built in, so a lab host
# pretends to have the modular iptables NAT chain; the messages and exit codes copy kmod's.
#   lab-kmod init               load the default chain, remember the fresh netns' timeouts
#   lab-kmod use MODULE N       N extra references held by "something else" (no holder name), 0 releases
set -u
STATE_DIR=${LAB_KMOD_STATE_DIR:-/usr/local/sbin/.lab-kmod}
SYSCTL_DIR=${LAB_KMOD_SYSCTL_DIR:-/proc/sys/net/netfilter}
HASHSIZE_FILE=${LAB_KMOD_HASHSIZE_FILE:-/sys/module/nf_conntrack/parameters/hashsize}
MODPROBE_D=${LAB_KMOD_MODPROBE_D:-/etc/modprobe.d}
LOADED=$STATE_DIR/loaded
# The lab's boot-time table size (max == buckets == hashsize, the 5.15+ default); test/lab/host-files.ts seeds the same.
DEFAULT_TABLE_SIZE=65536
DEFAULT_CHAIN="iptable_nat ipt_MASQUERADE"

# name size dependencies (comma-separated, - for none)
# (printf, a builtin: the exec census counts every process this stand-in starts for `lsmod`)
module_table() {
  printf '%s\n' "\
x_tables 57344 -
ip_tables 32768 x_tables
iptable_nat 16384 ip_tables,nf_nat
ipt_MASQUERADE 16384 nf_nat,nf_conntrack,x_tables
nf_nat 57344 nf_conntrack,libcrc32c
nf_conntrack 176128 nf_defrag_ipv4,nf_defrag_ipv6,libcrc32c
nf_defrag_ipv4 16384 -
nf_defrag_ipv6 24576 -
libcrc32c 16384 -
nfnetlink 20480 -
nf_conntrack_netlink 57344 nf_conntrack,nfnetlink
xt_conntrack 16384 nf_conntrack,x_tables"
}

# "name size refcnt holders" per loaded module, oldest load first; holders comma-separated in load order, or -.
describe_loaded() {
  [ -e "$LOADED" ] || : > "$LOADED" # no touch process: only its existence matters
  module_table | awk -v loaded="$LOADED" '
    { size[$1] = $2; deps[$1] = $3 }
    END {
      n = 0
      while ((getline line < loaded) > 0) {
        split(line, f, " "); n++; order[n] = f[1]; cnt[f[1]] = f[2] + 0; held[f[1]] = ""
      }
      for (i = 1; i <= n; i++) {
        m = order[i]; k = split(deps[m], d, ",")
        for (j = 1; j <= k; j++) if (d[j] in held) { held[d[j]] = held[d[j]] (held[d[j]] == "" ? "" : ",") m; cnt[d[j]]++ }
      }
      for (i = 1; i <= n; i++) { m = order[i]; print m, size[m], cnt[m], (held[m] == "" ? "-" : held[m]) }
    }'
}

field_of() { describe_loaded | awk -v m="$1" -v f="$2" '$1 == m { print $f }'; }
is_known() { module_table | awk -v m="$1" '$1 == m { found = 1 } END { exit !found }'; }
is_loaded() { [ -n "$(field_of "$1" 1)" ]; }
normalize() { n=${1##*/}; echo "${n%.ko}" | tr - _; }

# Modules to insert for $1, dependencies first, skipping loaded ones.
load_order() {
  [ -e "$LOADED" ] || : > "$LOADED"
  module_table | awk -v want="$1" -v loaded="$LOADED" '
    function visit(m,   k, d, j) {
      if (m in seen) return; seen[m] = 1
      k = split(deps[m], d, ","); for (j = 1; j <= k; j++) if (d[j] != "-") visit(d[j])
      if (!(m in isloaded)) print m
    }
    { deps[$1] = $3 }
    END { while ((getline line < loaded) > 0) { split(line, f, " "); isloaded[f[1]] = 1 }; visit(want) }'
}

# Every module $1 depends on, directly or not.
dependency_closure() { load_order_all "$1" | awk -v m="$1" '$1 != m'; }
load_order_all() { (LOADED=/dev/null; load_order "$1"); }

rewrite_loaded() { awk "$@" "$LOADED" > "$LOADED.new" && mv "$LOADED.new" "$LOADED"; }
unload() { rewrite_loaded -v m="$1" '$1 != m'; }
set_extra_refs() { rewrite_loaded -v m="$1" -v n="$2" '$1 == m { $2 = n } { print }'; }

insert() {
  echo "$1 0" >> "$LOADED"
  if [ "$1" = nf_conntrack ]; then reset_conntrack_state "${2:-}"; fi
}

# A freshly loaded nf_conntrack starts from its defaults, whatever was written before the unload.
reset_conntrack_state() {
  size=$1
  [ -n "$size" ] || size=$(hashsize_option)
  if [ -n "$size" ]; then max=$((size * 8)); else size=$DEFAULT_TABLE_SIZE; max=$DEFAULT_TABLE_SIZE; fi
  write_value "$HASHSIZE_FILE" "$size"
  write_value "$SYSCTL_DIR/nf_conntrack_buckets" "$size"
  write_value "$SYSCTL_DIR/nf_conntrack_max" "$max"
  write_value "$SYSCTL_DIR/nf_conntrack_count" 0
  [ -f "$STATE_DIR/timeouts" ] || return 0
  while read -r name value; do write_value "$SYSCTL_DIR/$name" "$value"; done < "$STATE_DIR/timeouts"
}

# A read-only knob stays as it is, like a kernel refusing the write.
write_value() { { echo "$2" > "$1"; } 2>/dev/null || true; }

# The last `options nf_conntrack hashsize=N` of /etc/modprobe.d/*.conf, as the kernel applies parameters left to right.
hashsize_option() {
  cat "$MODPROBE_D"/*.conf 2>/dev/null | awk '
    $1 == "options" && $2 == "nf_conntrack" { for (i = 3; i <= NF; i++) if ($i ~ /^hashsize=/) v = substr($i, 10) }
    END { if (v != "") print v }'
}

hashsize_param() {
  for p in "$@"; do case $p in hashsize=*) echo "${p#hashsize=}" ;; esac; done
}

do_lsmod() {
  echo "Module                  Size  Used by"
  describe_loaded | awk '{ lines[NR] = $0 } END { for (i = NR; i >= 1; i--) print lines[i] }' |
    while read -r name size refcnt holders; do
      if [ "$holders" = - ]; then printf '%-19s %8s  %s\n' "$name" "$size" "$refcnt"
      else printf '%-19s %8s  %s %s\n' "$name" "$size" "$refcnt" "$holders"; fi
    done
}

do_rmmod() {
  failed=0 names=0
  for arg in "$@"; do
    case $arg in -*) continue ;; esac
    names=1 name=$(normalize "$arg")
    if ! is_loaded "$name"; then
      echo "rmmod: ERROR: Module $name is not currently loaded" >&2; failed=1; continue
    fi
    holders=$(field_of "$name" 4)
    if [ "$holders" != - ]; then
      echo "rmmod: ERROR: Module $name is in use by: $(echo "$holders" | tr , ' ')" >&2; failed=1; continue
    fi
    if [ "$(field_of "$name" 3)" -gt 0 ]; then
      echo "rmmod: ERROR: Module $name is in use" >&2; failed=1; continue
    fi
    unload "$name"
  done
  if [ "$names" = 0 ]; then echo "rmmod: ERROR: missing module name." >&2; exit 1; fi
  exit "$failed"
}

say() { [ "$quiet" = 1 ] || echo "modprobe: $*" >&2; }

modprobe_insert() {
  name=$(normalize "$1"); shift
  if ! is_known "$name"; then say "FATAL: Module $name not found in directory /lib/modules/$(uname -r)"; return 1; fi
  if is_loaded "$name"; then
    [ "$first_time" = 1 ] || return 0
    say "ERROR: could not insert '$name': Module already in kernel"; return 1
  fi
  for m in $(load_order "$name"); do
    if [ "$m" = "$name" ]; then insert "$m" "$(hashsize_param "$@")"; else insert "$m"; fi
  done
}

# kmod removes the module, then every dependency whose use count dropped to zero.
modprobe_remove() {
  name=$(normalize "$1")
  if ! is_known "$name"; then say "FATAL: Module $name not found."; return 1; fi
  if ! is_loaded "$name"; then
    [ "$first_time" = 1 ] || return 0
    say "FATAL: Module $name is not in kernel."; return 1
  fi
  if [ "$(field_of "$name" 3)" -gt 0 ]; then say "FATAL: Module $name is in use."; return 1; fi
  unload "$name"
  candidates=" $(dependency_closure "$name" | tr '\n' ' ') "
  while unused=$(describe_loaded | awk -v c="$candidates" 'index(c, " " $1 " ") && $3 == 0 { print $1; exit }') &&
    [ -n "$unused" ]; do
    unload "$unused"
  done
}

do_modprobe() {
  remove=0 all=0 quiet=0 first_time=0
  while [ $# -gt 0 ]; do
    case $1 in
      --remove) remove=1 ;; --all) all=1 ;; --quiet) quiet=1 ;; --first-time) first_time=1 ;;
      --) shift; break ;;
      --*) ;;
      -?*) case $1 in *r*) remove=1 ;; esac; case $1 in *a*) all=1 ;; esac; case $1 in *q*) quiet=1 ;; esac ;;
      *) break ;;
    esac
    shift
  done
  if [ $# = 0 ]; then echo "modprobe: ERROR: missing parameters. See -h." >&2; exit 1; fi
  failed=0
  if [ "$remove" = 1 ]; then
    for arg in "$@"; do modprobe_remove "$arg" || failed=1; done
  elif [ "$all" = 1 ]; then
    for arg in "$@"; do modprobe_insert "$arg" || failed=1; done
  else
    modprobe_insert "$@" || failed=1
  fi
  exit "$failed"
}

do_lab_kmod() {
  case ${1:-} in
    init)
      mkdir -p "$STATE_DIR" && : > "$LOADED"
      for m in $DEFAULT_CHAIN; do for d in $(load_order "$m"); do echo "$d 0" >> "$LOADED"; done; done
      for f in "$SYSCTL_DIR"/nf_conntrack_*timeout*; do if [ -f "$f" ]; then echo "${f##*/} $(cat "$f")"; fi; done > "$STATE_DIR/timeouts"
      ;;
    use)
      name=$(normalize "${2:?module}")
      is_loaded "$name" || { echo "lab-kmod: module $name is not loaded" >&2; exit 1; }
      set_extra_refs "$name" "${3:?count}"
      ;;
    *) echo "usage: lab-kmod init | use MODULE COUNT" >&2; exit 2 ;;
  esac
}

case ${0##*/} in
  lsmod) do_lsmod ;;
  rmmod) do_rmmod "$@" ;;
  modprobe) do_modprobe "$@" ;;
  *) do_lab_kmod "$@" ;;
esac
