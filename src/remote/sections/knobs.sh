# shellcheck shell=sh
# The knobs section (src/facts/sections/knobs.ts): the conntrack knobs ($@: fixed paths) and every
# nf_conntrack_*timeout* sysctl, in at most two processes for all of them:
#   knobs        PATH<TAB>FLAGS per knob: e(xists) r(eadable) w(ritable, test -w)
#   knob-modes   one stat over the existing knobs: busybox test -w says yes to root for every file, and a knob
#                without any w bit refuses root too
#   values       one grep over the readable knobs and the timeouts: FILE:VALUE. Not `read`: dash reads one byte
#                at a time and an integer sysctl (proc_dointvec) answers a read at offset > 0 with EOF
cf_knobs() {
  cf_exist='' cf_readable=''
  cf_begin knobs
  for cf_k in "$@"; do
    cf_fl=-
    if [ -e "$cf_k" ]; then
      cf_fl=e; cf_exist="$cf_exist $cf_k"
      if [ -r "$cf_k" ]; then cf_fl="${cf_fl}r"; cf_readable="$cf_readable $cf_k"; fi
      if [ -w "$cf_k" ]; then cf_fl="${cf_fl}w"; fi
    fi
    printf '%s\t%s\n' "$cf_k" "$cf_fl"
  done
  cf_end
  # the knob paths are the controller's constants, without blanks or glob characters
  # shellcheck disable=SC2086
  if [ -n "$cf_exist" ]; then cf_begin knob-modes; stat -L -c '%A %n' $cf_exist 2>/dev/null; cf_end; fi
  cf_begin values
  # shellcheck disable=SC2086
  grep -H '' $cf_readable /proc/sys/net/netfilter/nf_conntrack_*timeout* 2>/dev/null
  cf_end
}
