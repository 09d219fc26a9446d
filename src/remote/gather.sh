# shellcheck shell=sh
# The gather script's helpers, shared by every fact section (src/remote/sections/*.sh, src/facts/sections/*.ts).
# Output is records (records.sh, `@@cf TOKEN KIND TEXT`; src/facts/gather-frame.ts parses them): `section NAME`
# before each fact section's output, `value NAME VALUE`, `problem TEXT`, `begin NAME [ARG]` … `end` around a block
# of raw content, inside a block `rc N` (a command's exit status) and `stderr` (the content after it is the
# command's stderr), and `done` last. Content has no prefix and needs no process: TOKEN is random per script ($cf_tok,
# set by the controller), so no content can pass for a record or end a block early, and a record may follow a last
# line without its newline. Needs records.sh and link-chain.sh.
# lc_end and lc_chain are set by lc_walk (link-chain.sh, sent first)
# shellcheck disable=SC2154
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH

cf_section() { cf_rec section "$1"; }
cf_begin() { cf_rec begin "$*"; }
cf_end() { cf_rec end; }
cf_value() { cf_rec value "$1 $2"; }
cf_problem() { cf_rec problem "$*"; }
# small seq_file/sysfs files are read with the shell's own `read`: no process per file. Never /proc/sys integers:
# dash reads one byte at a time and such a sysctl answers a read at offset > 0 with EOF.
cf_small_lines() {
  while IFS= read -r cf_line || [ -n "$cf_line" ]; do printf '%s\n' "$cf_line"; done < "$1"
}
# cf_grep_lines GREP_ARGS…: the one grep several sections share (section.ts `grep`), its `FILE:LINE` lines kept in
# cf_lines for cf_lines_of. A file that is missing or unreadable adds no line. cf_grep_procs=1 when the grep read
# the process files too (/proc/PID/comm, kube-proxy's); else (no grep, or an argument list too long for execve:
# E2BIG, exit 126, a host with ~80k processes) the grep runs again without them and their reader reads them itself.
# shellcheck disable=SC2034 # cf_grep_procs is read by the kube-proxy section (src/facts/sections/kube-proxy.ts)
cf_grep_lines() {
  cf_lines="$cf_nl$(grep -HE "$@" 2>/dev/null)$cf_nl"
  # 1: no line, 2: a file missing or unreadable (both normal); 126 and up: grep did not run
  if [ "$?" -lt 126 ]; then cf_grep_procs=1; return 0; fi
  cf_grep_procs=0 cf_n=$#
  while [ "$cf_n" -gt 0 ]; do
    case $1 in /proc/*/comm) ;; *) set -- "$@" "$1" ;; esac
    shift; cf_n=$((cf_n - 1))
  done
  cf_lines="$cf_nl$(grep -HE "$@" 2>/dev/null)$cf_nl"
}
# cf_lines_of PREFIX [strip]: the lines of cf_lines starting with PREFIX (a literal text, e.g. FILE:), printed as
# they are, or with strip without PREFIX. Builtins only.
cf_lines_of() {
  cf_lo_rest=${cf_lines#"$cf_nl"}
  while [ -n "$cf_lo_rest" ]; do
    cf_lo_line=${cf_lo_rest%%"$cf_nl"*}; cf_lo_rest=${cf_lo_rest#*"$cf_nl"}
    case $cf_lo_line in
      "$1"*) if [ -n "${2:-}" ]; then printf '%s\n' "${cf_lo_line#"$1"}"; else printf '%s\n' "$cf_lo_line"; fi ;;
    esac
  done
}
cf_has() { command -v "$1" >/dev/null 2>&1; }
cf_flag() { if "$@" 2>/dev/null; then echo 1; else echo 0; fi; }
# $1 value name, then a command: `value NAME 1` when it succeeds, else 0 (no subshell, unlike "$(cf_flag …)")
cf_flag_value() { cf_fv=$1; shift; if "$@" 2>/dev/null; then cf_value "$cf_fv" 1; else cf_value "$cf_fv" 0; fi; }

# stdout goes out as it comes (fd 5, the real stdout), byte for byte; stderr is captured and printed after the exit
# status, so the two never interleave
cf_run() {
  cf_begin "$1"; shift
  cf_err=$( { "$@" 2>&4 4>&- >&5; cf_rec rc "$?" >&5; } 4>&1 )
  if [ -n "$cf_err" ]; then cf_rec stderr; printf '%s\n' "$cf_err"; fi
  cf_end
}

# a symlink (chain) is followed to the regular file, and each link and the canonical end are printed first. With
# cf_stat_later=1 (the gather) a regular file's block waits for cf_flush, which stats every waiting file (and the
# knobs, cf_stat_knobs) with ONE stat; else it is printed at once.
cf_file() {
  cf_fh='' cf_f=$2
  if ! lc_walk "$2"; then cf_begin file "$1"; echo link-loop; cf_end; return; fi
  if [ -n "$lc_chain" ]; then
    for cf_hop in $lc_chain; do cf_fh="${cf_fh}link $cf_hop$cf_nl"; done
    cf_real=$(readlink -f "$2" 2>/dev/null) || cf_real=$lc_end
    cf_fh="${cf_fh}real $(lc_hex "$cf_real")$cf_nl"
    cf_f=$lc_end
  fi
  cf_fs=''
  if [ ! -e "$cf_f" ]; then cf_fs=absent
  elif [ -d "$cf_f" ]; then cf_fs=directory
  elif [ ! -f "$cf_f" ]; then cf_fs=not-a-file
  elif [ ! -r "$cf_f" ]; then cf_fs=unreadable
  elif [ "${cf_stat_later:-}" = 1 ]; then
    cf_fq_n=$((${cf_fq_n:-0} + 1))
    eval "cf_fq_name_$cf_fq_n=\$1 cf_fq_head_$cf_fq_n=\$cf_fh cf_fq_path_$cf_fq_n=\$cf_f"
    return
  elif ! cf_meta=$(stat -L -c '%a %u %g' "$cf_f" 2>/dev/null); then cf_fs=no-stat
  else cf_file_block "$1" "$cf_fh" "$cf_f" "$cf_meta"; return
  fi
  cf_begin file "$1"; printf '%s%s\n' "$cf_fh" "$cf_fs"; cf_end
}
# $1 block name, $2 the lines before meta, $3 the regular file, $4 its `MODE UID GID`
cf_file_block() {
  cf_begin file "$1"
  printf '%s' "$2"
  if cf_has base64; then
    cf_data=$(base64 -w0 < "$3" 2>/dev/null) || cf_data=$(base64 < "$3" | tr -d '\n')
    printf 'meta %s\nbase64 %s\n' "$4" "$cf_data"
  else
    printf 'meta %s\nhex %s\n' "$4" "$(od -An -v -tx1 < "$3" | tr -d ' \n')"
  fi
  cf_end
}
# the waiting stats: ONE `stat` for the knobs (the knob-modes block, `PERMISSIONS PATH`) and every waiting file, a
# line per operand in order; when it fails (a file went away since) each is stat'ed alone, as without cf_stat_later
cf_flush() {
  set -f
  # shellcheck disable=SC2086 # the knob paths are the controller's constants
  set -- ${cf_stat_knobs:-}
  set +f
  cf_nk=$# cf_i=1
  while [ "$cf_i" -le "${cf_fq_n:-0}" ]; do eval "set -- \"\$@\" \"\$cf_fq_path_$cf_i\""; cf_i=$((cf_i + 1)); done
  [ "$#" -gt 0 ] || return 0
  cf_metas=$(stat -L -c '%a %u %g %A' -- "$@" 2>/dev/null) || cf_metas=''
  [ -z "$cf_metas" ] || cf_metas="$cf_metas$cf_nl"
  if [ "$cf_nk" -gt 0 ]; then
    cf_begin knob-modes
    while [ "$cf_nk" -gt 0 ]; do
      if [ -n "$cf_metas" ]; then cf_line=${cf_metas%%"$cf_nl"*}; cf_metas=${cf_metas#*"$cf_nl"}; printf '%s %s\n' "${cf_line##* }" "$1"
      else stat -L -c '%A %n' "$1" 2>/dev/null; fi
      shift; cf_nk=$((cf_nk - 1))
    done
    cf_end
  fi
  cf_i=1
  while [ "$#" -gt 0 ]; do
    eval "cf_n=\$cf_fq_name_$cf_i cf_fh=\$cf_fq_head_$cf_i"
    if [ -n "$cf_metas" ]; then cf_line=${cf_metas%%"$cf_nl"*}; cf_metas=${cf_metas#*"$cf_nl"}; cf_meta=${cf_line% *}
    elif ! cf_meta=$(stat -L -c '%a %u %g' "$1" 2>/dev/null); then cf_meta=''; fi
    if [ -n "$cf_meta" ]; then cf_file_block "$cf_n" "$cf_fh" "$1" "$cf_meta"
    else cf_begin file "$cf_n"; printf '%sno-stat\n' "$cf_fh"; cf_end; fi
    shift; cf_i=$((cf_i + 1))
  done
  cf_fq_n=0 cf_stat_knobs=''
}
