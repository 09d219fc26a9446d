/**
 * The boot-config fact's shell (POSIX sh, uses the helpers of gather-script-body.ts): every file that
 * systemd-sysctl / `sysctl --system` and kmod read at boot, with symlink info, and the bytes of those that
 * mention conntrack (through cf_file, so a file's state is read one way only). Parsed by parse-boot-config.ts.
 *
 * Output: `@@value boot_init systemd|other|unknown`, `@@value compat_sysctls 0|1`, `@@value cmdline_hashsize N|`
 * (this boot's `nf_conntrack.hashsize=`, which kmod applies after every modprobe.d file), then per file
 * `@@begin boot-entry PATH` with `|link RAW` (a symlink), `|real PATH` (readlink -f), `|missing`, `|mentions`,
 * `@@end`, followed for a `mentions` file by `@@begin file boot PATH` … `@@end` (cf_file).
 */

/** sysctl.d(5) and modprobe.d(5) directories, highest priority first. */
export const sysctlDirs = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
export const modprobeDirs = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d'];

export const bootConfigFunctions = String.raw`
# /run/systemd/system exists only when systemd is PID 1 (sd_booted(3)); else what /sbin/init is decides the next boot
cf_boot_init() {
  if [ -d /run/systemd/system ]; then echo systemd; return; fi
  case $(readlink -f /sbin/init 2>/dev/null) in *systemd*) echo systemd ;; '') echo unknown ;; *) echo other ;; esac
}

# $1 path, $2 "content" to also print the bytes of a file that mentions conntrack, $3 1 when it does (known), else empty
cf_boot_entry() {
  cf_mentions=$3
  cf_begin boot-entry "$1"
  # readlink only for links: a process per file adds up over a fleet
  cf_real=$1
  if [ -L "$1" ]; then cf_real=$(readlink -f "$1" 2>/dev/null); printf '|link %s\n|real %s\n' "$(readlink "$1" 2>/dev/null)" "$cf_real"
  elif [ "$2" != content ]; then printf '|real %s\n' "$(readlink -f "$1" 2>/dev/null)"; fi
  if [ -z "$cf_mentions" ]; then cf_mentions=$(cf_flag grep -q conntrack "$1"); fi
  if [ ! -e "$1" ]; then echo '|missing'
  elif [ "$cf_mentions" = 1 ] || { [ -f "$1" ] && [ ! -r "$1" ]; }; then echo '|mentions'; cf_mentions=1
  fi
  cf_end
  # the bytes of the file a link leads to, so the state belongs to the path a change will write (realPath)
  if [ "$cf_mentions" = 1 ] && [ "$2" = content ]; then cf_file "boot $1" "${'$'}{cf_real:-$1}"; fi
}

# $@: more paths (persist targets) whose link info the planner needs
cf_boot_config() {
  cf_value boot_init "$(cf_boot_init)"
  cf_value compat_sysctls "$(cf_flag test -e /proc/sys/net/ipv4/netfilter/ip_conntrack_max)"
  cf_value cmdline_hashsize "$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^nf[-_]conntrack\.hashsize=/) v = substr($i, index($i, "=") + 1) } END { print v }' /proc/cmdline 2>/dev/null)"
  for cf_d in ${sysctlDirs.join(' ')} ${modprobeDirs.join(' ')}; do
    [ -d "$cf_d" ] || continue
    # one grep per directory; names come back one a line, so a name with a newline is skipped below.
    # In modprobe.d, install lines too: "install nf_nat /bin/false" decides whether unload_nat can be undone.
    case $cf_d in *modprobe.d) cf_pat='conntrack|^[[:space:]]*install[[:space:]]' ;; *) cf_pat=conntrack ;; esac
    cf_hits="
$(grep -lE "$cf_pat" "$cf_d"/*.conf 2>/dev/null)
"
    for cf_f in "$cf_d"/*.conf; do
      [ -e "$cf_f" ] || [ -L "$cf_f" ] || continue
      case $cf_f in *'
'*) cf_problem "a file name with a newline in $cf_d was skipped"; continue ;; esac
      case $cf_hits in *"
$cf_f
"*) cf_boot_entry "$cf_f" content 1 ;; *) cf_boot_entry "$cf_f" content 0 ;; esac
    done
  done
  cf_boot_entry /etc/sysctl.conf content
  for cf_f in "$@"; do cf_boot_entry "$cf_f" links; done
}
`;
