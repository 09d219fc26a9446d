# shellcheck shell=sh
# The modules section (src/facts/sections/modules.ts): the loaded modules, from /proc/modules read by the shell
# (lsmod's own source) or, where it is missing, from ONE lsmod. Sets for later sections:
#   cf_loaded    "\n" + the listing (each line starts with a module name), for cf_loaded_has
#   cf_builtins  the lines of modules.builtin naming nf_conntrack.ko or nf_tables.ko (from the gather's shared grep,
#                modules.ts `grep`), for cf_builtin
# Needs cf_kernel (identity.sh).
# shellcheck disable=SC2154
cf_loaded_has() {
  case $cf_loaded in *"
$1 "*) return 0 ;; esac
  return 1
}
cf_builtin() {
  case "
$cf_builtins
" in *"/$1.ko
"*) return 0 ;; esac
  return 1
}

cf_modules() {
  cf_loaded=''
  if [ -r /proc/modules ]; then
    cf_begin proc-modules
    while IFS= read -r cf_line; do
      printf '%s\n' "$cf_line"
      cf_loaded="$cf_loaded
$cf_line"
    done < /proc/modules
    cf_end
  elif cf_has lsmod && cf_lsmod=$(lsmod 2>/dev/null); then
    # no /proc/modules yet lsmod answers: a stand-in (the lab, a container shim); trust what it lists.
    # Run once: its listing is both the block and cf_loaded. A kernel without modules has neither.
    cf_begin lsmod
    if [ -n "$cf_lsmod" ]; then printf '%s\n' "$cf_lsmod"; fi
    cf_rec rc 0
    cf_end
    cf_loaded="
$cf_lsmod"
  fi
  cf_builtins=$(cf_lines_of "/lib/modules/$cf_kernel/modules.builtin:" strip)
}
