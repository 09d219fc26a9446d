# shellcheck shell=sh
# The knobs section (src/facts/sections/knobs.ts): the conntrack knobs ($@: fixed paths) and every
# nf_conntrack_*timeout* sysctl, without a process of their own (the gather's shared grep and stat):
#   knobs        PATH<TAB>FLAGS per knob: e(xists) r(eadable) w(ritable, test -w)
#   knob-modes   one stat over the existing knobs (in the gather, cf_flush's stat of every file): busybox test -w says yes to root for every file, and a knob
#                without any w bit refuses root too
#   values       FILE:VALUE of the knobs and the timeouts, from the gather's shared grep (knobs.ts `grep`, cf_lines_of).
#                Not `read`: dash reads one byte at a time and an integer sysctl (proc_dointvec) answers a read at
#                offset > 0 with EOF
cf_knobs() {
  cf_exist=''
  cf_begin knobs
  for cf_k in "$@"; do
    cf_fl=-
    if [ -e "$cf_k" ]; then
      cf_fl=e; cf_exist="$cf_exist $cf_k"
      if [ -r "$cf_k" ]; then cf_fl="${cf_fl}r"; fi
      if [ -w "$cf_k" ]; then cf_fl="${cf_fl}w"; fi
    fi
    printf '%s\t%s\n' "$cf_k" "$cf_fl"
  done
  cf_end
  # the knob paths are the controller's constants, without blanks or glob characters; in the gather their stat is
  # the one cf_flush makes for every file (gather.sh)
  # shellcheck disable=SC2086,SC2034 # cf_stat_knobs is gather.sh's
  if [ "${cf_stat_later:-}" = 1 ]; then cf_stat_knobs=$cf_exist
  elif [ -n "$cf_exist" ]; then cf_begin knob-modes; stat -L -c '%A %n' $cf_exist 2>/dev/null; cf_end; fi
  cf_begin values
  cf_lines_of /proc/sys/
  cf_lines_of /sys/module/nf_conntrack/
  cf_end
}
