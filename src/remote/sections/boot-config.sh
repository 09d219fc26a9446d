# shellcheck shell=sh
# The boot-config section (src/facts/sections/boot-config.ts): every file that systemd-sysctl / `sysctl --system`
# and kmod read at boot, with symlink info, and the bytes of those that mention conntrack (through cf_file, so a
# file's state is read one way only). Needs cf_sysctl_dirs and cf_modprobe_dirs (set by the controller, highest
# priority first).
# shellcheck disable=SC2154

# /run/systemd/system exists only when systemd is PID 1 (sd_booted(3)); else what /sbin/init is decides the next boot.
# readlink -f only for a link that is not systemd's binary: test's -ef (dash, bash, busybox) and cd -P need no process
# shellcheck disable=SC3013
cf_boot_init() {
  if [ -d /run/systemd/system ]; then cf_init=systemd; return; fi
  if { [ /sbin/init -ef /lib/systemd/systemd ] || [ /sbin/init -ef /usr/lib/systemd/systemd ]; } 2>/dev/null; then
    cf_init=systemd; return
  fi
  if [ -L /sbin/init ]; then cf_rp=$(readlink -f /sbin/init 2>/dev/null); else cf_real_dir /sbin/init; fi
  case $cf_rp in *systemd*) cf_init=systemd ;; '') cf_init=unknown ;; *) cf_init=other ;; esac
}

# this boot's nf_conntrack.hashsize= (the last one wins, as kmod reads the command line); /proc/cmdline is one line
cf_cmdline_hashsize() {
  cf_hs=''; cf_cmdline=''
  { read -r cf_cmdline < /proc/cmdline; } 2>/dev/null
  for cf_w in $cf_cmdline; do
    case $cf_w in nf[-_]conntrack.hashsize=*) cf_hs=${cf_w#*=} ;; esac
  done
}

# $1 a path whose last component is no symlink: `readlink -f` without a process (cd -P resolves the directories);
# empty when its directory does not exist, as readlink -f prints nothing then
cf_real_dir() {
  cf_rd=${1%/*}; [ -n "$cf_rd" ] || cf_rd=/
  cf_rp=$(cd -P -- "$cf_rd" 2>/dev/null && pwd -P) || { cf_rp=''; return; }
  cf_rp="${cf_rp%/}/${1##*/}"
}

# $1 a symlink: sets cf_target (what readlink prints) and cf_real (readlink -f), with one readlink where the
# target is no link itself, else readlink -f as well
cf_link_real() {
  cf_target=$(readlink "$1" 2>/dev/null)
  case $cf_target in
    '') cf_real=$(readlink -f "$1" 2>/dev/null); return ;;
    /*) cf_t=$cf_target ;;
    *) cf_t=${1%/*}/$cf_target ;;
  esac
  if [ -L "$cf_t" ]; then cf_real=$(readlink -f "$1" 2>/dev/null); else cf_real_dir "$cf_t"; cf_real=$cf_rp; fi
}

# $1 path, $2 "content" to also print the bytes of a file that mentions conntrack, $3 1 when it does (known), else empty
cf_boot_entry() {
  cf_mentions=$3
  # readlink only for links: a process per file adds up over a fleet
  cf_real=$1 cf_target='' cf_rp=''
  if [ -L "$1" ]; then cf_link_real "$1"; elif [ "$2" != content ]; then cf_real_dir "$1"; fi
  # a block's lines are raw content: a name with a newline would bring lines of its own (`missing`, `mentions`)
  case $cf_target$cf_real$cf_rp in *"$cf_nl"*) cf_problem "$1 links to a name with a newline: skipped"; return ;; esac
  cf_begin boot-entry "$1"
  if [ -L "$1" ]; then printf 'link %s\nreal %s\n' "$cf_target" "$cf_real"
  elif [ "$2" != content ]; then printf 'real %s\n' "$cf_rp"; fi
  if [ -z "$cf_mentions" ]; then cf_mentions=$(cf_flag grep -q conntrack "$1"); fi
  if [ ! -e "$1" ]; then echo missing
  elif [ "$cf_mentions" = 1 ] || { [ -f "$1" ] && [ ! -r "$1" ]; }; then echo mentions; cf_mentions=1
  fi
  cf_end
  # the bytes of the file a link leads to, so the state belongs to the path a change will write (realPath)
  # a file read already under another name (Debian's 99-sysctl.conf -> ../sysctl.conf) is named, not read again
  if [ "$cf_mentions" = 1 ] && [ "$2" = content ]; then
    case $cf_snapped in
      *"
${cf_real:-$1}
"*) cf_begin file "boot $1"; printf 'same-as %s\n' "${cf_real:-$1}"; cf_end ;;
      *) cf_file "boot $1" "${cf_real:-$1}"; cf_snapped="$cf_snapped
${cf_real:-$1}
" ;;
    esac
  fi
}

# ONE grep for every boot file and asked-for path: `-o` prints `FILE:conntrack` or `FILE:<blanks>install<blank>` per
# match (-a: a file with a NUL byte is text too, as -l read it), so cf_mention tells a sysctl file's conntrack from
# a modprobe.d install line without a grep per kind.
# In modprobe.d, install lines too: "install nf_nat /bin/false" decides whether unload_nat can be undone.
# $@: the asked-for paths; the directories are cf_sysctl_dirs and cf_modprobe_dirs (their *.conf files). A name with
# a newline is skipped by the caller.
cf_grep_mentions() {
  cf_globs=''
  for cf_d in $cf_sysctl_dirs $cf_modprobe_dirs; do
    if [ -d "$cf_d" ]; then cf_globs="$cf_globs $cf_d/*.conf"; fi
  done
  # shellcheck disable=SC2086 # the controller's constant paths: split, then globbed; then the quoted asked-for paths
  cf_hits="$cf_nl$(grep -aoHE -e 'conntrack|^[[:space:]]*install[[:space:]]' -- $cf_globs /etc/sysctl.conf "$@" 2>/dev/null)$cf_nl"
}
# $1 path, $2 its kind: sysctl.d, or modprobe.d where an install line counts too. cf_m=1 when it mentions conntrack
cf_mention() {
  cf_m=0
  case $cf_hits in *"$cf_nl$1:conntrack$cf_nl"*) cf_m=1; return ;; esac
  # a modprobe.d file's only other matches are install lines
  if [ "$2" = modprobe.d ]; then case $cf_hits in *"$cf_nl$1:"*) cf_m=1 ;; esac; fi
}

# $1 sysctl.d|modprobe.d, then the directories: a boot entry for each *.conf file
cf_boot_dir_entries() {
  cf_kind=$1; shift
  for cf_d in "$@"; do
    [ -d "$cf_d" ] || continue
    for cf_f in "$cf_d"/*.conf; do
      [ -e "$cf_f" ] || [ -L "$cf_f" ] || continue
      case $cf_f in *"$cf_nl"*) cf_problem "a file name with a newline in $cf_d was skipped"; continue ;; esac
      cf_mention "$cf_f" "$cf_kind"; cf_boot_entry "$cf_f" content "$cf_m"
    done
  done
}

# $@: more paths (persist targets) whose link info the planner needs
cf_boot_config() {
  cf_boot_init; cf_value boot_init "$cf_init"
  cf_flag_value compat_sysctls test -e /proc/sys/net/ipv4/netfilter/ip_conntrack_max
  cf_cmdline_hashsize; cf_value cmdline_hashsize "$cf_hs"
  cf_snapped=''
  cf_grep_mentions "$@"
  # shellcheck disable=SC2086
  cf_boot_dir_entries sysctl.d $cf_sysctl_dirs
  # shellcheck disable=SC2086
  cf_boot_dir_entries modprobe.d $cf_modprobe_dirs
  cf_mention /etc/sysctl.conf sysctl.d; cf_boot_entry /etc/sysctl.conf content "$cf_m"
  for cf_f in "$@"; do
    cf_mention "$cf_f" sysctl.d; cf_boot_entry "$cf_f" links "$cf_m"
  done
}
