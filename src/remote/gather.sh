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
# cf_lines for cf_lines_of. A file that is missing or unreadable adds no line.
cf_grep_lines() { cf_lines="$cf_nl$(grep -HE "$@" 2>/dev/null)$cf_nl"; }
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

# a symlink (chain) is followed to the regular file, and each link and the canonical end are printed first
cf_file() {
  cf_begin file "$1"
  cf_f=$2
  if ! lc_walk "$2"; then echo link-loop; cf_end; return; fi
  if [ -n "$lc_chain" ]; then
    for cf_hop in $lc_chain; do echo "link $cf_hop"; done
    cf_real=$(readlink -f "$2" 2>/dev/null) || cf_real=$lc_end
    echo "real $(lc_hex "$cf_real")"
    cf_f=$lc_end
  fi
  if [ ! -e "$cf_f" ]; then echo absent
  elif [ -d "$cf_f" ]; then echo directory
  elif [ ! -f "$cf_f" ]; then echo not-a-file
  elif [ ! -r "$cf_f" ]; then echo unreadable
  elif ! cf_meta=$(stat -L -c '%a %u %g' "$cf_f" 2>/dev/null); then echo no-stat
  elif cf_has base64; then
    cf_data=$(base64 -w0 < "$cf_f" 2>/dev/null) || cf_data=$(base64 < "$cf_f" | tr -d '\n')
    printf 'meta %s\nbase64 %s\n' "$cf_meta" "$cf_data"
  else
    printf 'meta %s\nhex %s\n' "$cf_meta" "$(od -An -v -tx1 < "$cf_f" | tr -d ' \n')"
  fi
  cf_end
}
