# shellcheck shell=sh
# The rules section (src/facts/sections/rules.ts): the rule dumps that show conntrack in use, read only where the
# kernel side is there already: never a command that autoloads a module (a table listing does; a save does not).
# Needs cf_loaded_has and cf_builtin (modules.sh).

# without /proc/sys/kernel/modprobe the kernel has no module loader, so nothing can be autoloaded
cf_no_autoload() {
  [ -e /proc/sys/kernel/modprobe ] || return 0
  cf_md=''; { read -r cf_md < /proc/sys/kernel/modules_disabled; } 2>/dev/null
  # a one-digit proc_dointvec value: the first byte is the whole answer
  [ "$cf_md" = 1 ]
}

# $1: a seq_file of table names (the shell's own `read`): true when it lists one
cf_lists_any() {
  while IFS= read -r cf_line; do [ -n "$cf_line" ] && return 0; done 2>/dev/null < "$1"
  return 1
}

# $1 a save tool on PATH: sets cf_backend to nft or legacy. Where the tool is the xtables multi-binary of one
# backend (a link, as Debian's alternatives, Fedora and Alpine install it) `test -ef` says which without a
# process; else its --version says "(nf_tables)" or not
# `-ef` is in dash, bash, busybox and ksh; a shell without it fails the test and asks --version
# shellcheck disable=SC3013
cf_xtables_backend() {
  cf_tool=$(command -v "$1" 2>/dev/null); cf_dir=${cf_tool%/*}
  if [ -n "$cf_dir" ] && [ "$cf_tool" -ef "$cf_dir/xtables-nft-multi" ] 2>/dev/null; then cf_backend=nft
  elif [ -n "$cf_dir" ] && [ "$cf_tool" -ef "$cf_dir/xtables-legacy-multi" ] 2>/dev/null; then cf_backend=legacy
  else
    case $("$1" --version 2>/dev/null) in *nf_tables*) cf_backend=nft ;; *) cf_backend=legacy ;; esac
  fi
}

# $1 save tool, $2 its legacy twin, $3 the legacy backend's table list
cf_xtables() {
  cf_legacy_kernel=0; [ -e "$3" ] && cf_legacy_kernel=1
  cf_backend=none
  if cf_has "$1"; then
    cf_xtables_backend "$1"
    if [ "$cf_backend" = nft ] && [ "$cf_nft_kernel" = 1 ]; then cf_run "rules $1" "$1"; fi
    if [ "$cf_backend" = legacy ] && [ "$cf_legacy_kernel" = 1 ]; then cf_run "rules $1" "$1"; fi
  elif [ "$cf_nft_kernel" = 1 ] || [ "$cf_legacy_kernel" = 1 ]; then
    cf_problem "$1 not found: its rules were not read"
  fi
  # tables of the legacy backend are invisible to an nf_tables-based save tool
  if [ "$cf_backend" != legacy ] && [ "$cf_legacy_kernel" = 1 ] && cf_lists_any "$3"; then
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
