# shellcheck shell=bash
#
# Machine setup for Grocker Pipeline: sourced by scripts/test and scripts/demo.
#
# Every ensure_* function is idempotent: on a machine that already has what it
# provides it only checks and prints one "==> ..." line. When something cannot
# be installed or started it stops the calling script with `die` (exit 1); it
# never skips.
#
# Environment (all optional):
#   GROCKER_ROOTFS_DIR     cache of the Debian root filesystem tarballs
#                          (default /var/cache/grocker/rootfs)
#   GROCKER_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the one apt uses)
#   GROCKER_DEBIAN_SUITE   Debian suite (default bookworm)

if [[ -n "${GROCKER_SETUP_SH_LOADED:-}" ]]; then
  return 0
fi
GROCKER_SETUP_SH_LOADED=1

GROCKER_ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GROCKER_PACKAGES=(
  docker.io qemu-user-static binfmt-support debootstrap docker-registry
  apache2-utils skopeo busybox-static maven openjdk-17-jdk-headless curl jq openssl python3
  chromium # ReportBrowserIT renders the HTML build report headless
)
GROCKER_DOCKERD_LOG=/var/log/grocker-dockerd.log
GROCKER_APT_UPDATED=""

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# Prints the last lines of a log file, indented, to stderr.
_show_log_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -s "$file" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/    /' >&2
    printf -- '-----\n' >&2
  fi
}

_require_root() {
  [[ "$(id -u)" == 0 ]] || die "$1 needs root (run this script as root)"
}

_fmt_seconds() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

_apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y "$@"
}

# Installs whatever is missing among GROCKER_PACKAGES (or the packages given
# as arguments). Runs `apt-get update` once, and only when something is missing.
# shellcheck disable=SC2120 # arguments are optional
ensure_packages() {
  local wanted=("$@") missing=() pkg status
  ((${#wanted[@]})) || wanted=("${GROCKER_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "packages: all ${#wanted[@]} present"
    return 0
  fi
  _require_root "installing ${missing[*]}"
  log "packages: installing ${missing[*]}"
  local aptlog start=$SECONDS
  aptlog="$(mktemp /tmp/grocker-apt.XXXXXX.log)"
  if [[ -z "$GROCKER_APT_UPDATED" ]]; then
    _apt_get update >"$aptlog" 2>&1 || {
      _show_log_tail "$aptlog"
      die "apt-get update failed (log: $aptlog)"
    }
    GROCKER_APT_UPDATED=1
  fi
  _apt_get install "${missing[@]}" >>"$aptlog" 2>&1 || {
    _show_log_tail "$aptlog"
    die "apt-get install ${missing[*]} failed (log: $aptlog)"
  }
  for pkg in "${missing[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || die "package $pkg is still not installed after apt-get install (log: $aptlog)"
  done
  rm -f "$aptlog"
  log "packages: installed ${#missing[@]} in $(_fmt_seconds $((SECONDS - start)))"
}

# ---------------------------------------------------------------------------
# Docker engine
# ---------------------------------------------------------------------------

_docker_answers() { docker info >/dev/null 2>&1; }

_wait_for_docker() {
  local seconds="$1" pid="${2:-}" i
  for ((i = 0; i < seconds; i++)); do
    _docker_answers && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 1
  done
  _docker_answers
}

# Makes sure a Docker engine answers. A running engine is used as it is (never
# restarted); otherwise dockerd is started in the background.
ensure_docker() {
  command -v docker >/dev/null || die "the docker client is not on PATH (package docker.io)"
  if _docker_answers; then
    log "docker: engine $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?') already running"
    return 0
  fi
  if [[ -n "${DOCKER_HOST:-}" && "${DOCKER_HOST}" != unix://* ]]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed); not starting a local engine for a remote endpoint"
  fi
  # A dockerd that is running but not answering yet (just started by someone
  # else): wait for it instead of starting a second one.
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "docker: dockerd is running but not answering yet; waiting up to 60 s"
    _wait_for_docker 60 && {
      log "docker: engine answers"
      return 0
    }
    die "dockerd (pid $(pgrep -x dockerd | tr '\n' ' ')) is running but docker info still fails after 60 s; not starting a second engine"
  fi
  _require_root "starting dockerd"
  command -v dockerd >/dev/null || die "dockerd is not installed (package docker.io)"
  log "docker: starting dockerd --iptables=false --bridge=none (log: $GROCKER_DOCKERD_LOG)"
  printf '\n=== %s grocker: starting dockerd\n' "$(date -Is)" >>"$GROCKER_DOCKERD_LOG"
  # The engine outlives this script: it must not inherit any other open file
  # (a lock held by whoever called us, for instance, would never be released).
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec setsid dockerd --iptables=false --bridge=none </dev/null >>"$GROCKER_DOCKERD_LOG" 2>&1
  ) &
  local pid=$! start=$SECONDS
  if _wait_for_docker 60 "$pid"; then
    log "docker: engine $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?') answers after $((SECONDS - start)) s (pid $pid)"
    return 0
  fi
  _show_log_tail "$GROCKER_DOCKERD_LOG"
  if kill -0 "$pid" 2>/dev/null; then
    die "dockerd (pid $pid) did not answer within 60 s (log: $GROCKER_DOCKERD_LOG)"
  fi
  die "dockerd exited during startup (log: $GROCKER_DOCKERD_LOG)"
}

# ---------------------------------------------------------------------------
# qemu / binfmt_misc for arm64
# ---------------------------------------------------------------------------

# Writes a 132-byte static aarch64 Linux executable that does exit(42).
# ELF header (64) + one PT_LOAD program header (56) + 3 instructions (12).
_write_arm64_probe() {
  local out="$1"
  {
    # e_ident: ELF, 64-bit, little endian, version 1, System V ABI
    printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
    printf '\x02\x00'                         # e_type: ET_EXEC
    printf '\xb7\x00'                         # e_machine: EM_AARCH64
    printf '\x01\x00\x00\x00'                 # e_version
    printf '\x78\x00\x40\x00\x00\x00\x00\x00' # e_entry: 0x400078
    printf '\x40\x00\x00\x00\x00\x00\x00\x00' # e_phoff: 64
    printf '\x00\x00\x00\x00\x00\x00\x00\x00' # e_shoff: none
    printf '\x00\x00\x00\x00'                 # e_flags
    printf '\x40\x00\x38\x00\x01\x00'         # e_ehsize 64, e_phentsize 56, e_phnum 1
    printf '\x00\x00\x00\x00\x00\x00'         # e_shentsize, e_shnum, e_shstrndx
    printf '\x01\x00\x00\x00\x05\x00\x00\x00' # p_type PT_LOAD, p_flags R+X
    printf '\x00\x00\x00\x00\x00\x00\x00\x00' # p_offset 0
    printf '\x00\x00\x40\x00\x00\x00\x00\x00' # p_vaddr 0x400000
    printf '\x00\x00\x40\x00\x00\x00\x00\x00' # p_paddr 0x400000
    printf '\x84\x00\x00\x00\x00\x00\x00\x00' # p_filesz 132
    printf '\x84\x00\x00\x00\x00\x00\x00\x00' # p_memsz 132
    printf '\x00\x10\x00\x00\x00\x00\x00\x00' # p_align 4096
    printf '\x40\x05\x80\xd2'                 # mov x0, #42
    printf '\xa8\x0b\x80\xd2'                 # mov x8, #93 (exit)
    printf '\x01\x00\x00\xd4'                 # svc #0
  } >"$out"
  chmod 755 "$out"
}

# Runs the arm64 probe through the kernel (binfmt_misc -> qemu); 0 if it exited 42.
_run_arm64_probe() {
  local dir rc=0
  dir="$(mktemp -d /var/tmp/grocker-binfmt.XXXXXX)"
  _write_arm64_probe "$dir/probe-arm64"
  "$dir/probe-arm64" 2>"$dir/err" || rc=$?
  if ((rc != 42)); then
    warn "arm64 probe exited $rc (expected 42): $(head -c 300 "$dir/err")"
    rm -rf "$dir"
    return 1
  fi
  rm -rf "$dir"
}

# Registers qemu-aarch64 again with the C flag (credentials from the binary, which implies O), so that
# setuid programs such as sudo work inside emulated arm64 containers. Debian registers it without C.
_binfmt_add_credentials_flag() {
  local entry="$1" interp="$2" flags="$3" magic mask
  _require_root "re-registering qemu-aarch64 with the C flag"
  magic="$(sed -n 's/^magic *//p' "$entry" | sed 's/../\\x&/g')"
  mask="$(sed -n 's/^mask *//p' "$entry" | sed 's/../\\x&/g')"
  [[ -n "$magic" && -n "$mask" ]] || die "cannot read magic/mask of $entry"
  echo -1 >"$entry" || die "cannot unregister $entry"
  printf ':qemu-aarch64:M:0:%s:%s:%s:%sC' "$magic" "$mask" "$interp" "${flags//O/}" >/proc/sys/fs/binfmt_misc/register ||
    die "cannot register qemu-aarch64 with flags ${flags}C"
  log "binfmt: qemu-aarch64 registered with flags $(sed -n 's/^flags: *//p' "$entry") (C: setuid programs such as sudo work under emulation)"
}

# Makes sure arm64 binaries run under qemu-user-static through binfmt_misc,
# with the F (fix binary) flag so they also run inside chroots and containers.
# Proves it by executing a tiny arm64 program.
ensure_binfmt() {
  local bm=/proc/sys/fs/binfmt_misc entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
  if [[ ! -e "$bm/status" ]]; then
    _require_root "mounting binfmt_misc"
    mount -t binfmt_misc binfmt_misc "$bm" 2>/dev/null ||
      die "cannot mount binfmt_misc on $bm (is the binfmt_misc kernel module available?)"
  fi
  if [[ "$(cat "$bm/status" 2>/dev/null)" != enabled ]]; then
    _require_root "enabling binfmt_misc"
    echo 1 >"$bm/status" || die "cannot enable $bm"
  fi
  if [[ ! -e "$entry" ]] || ! head -n 1 "$entry" | grep -qx enabled; then
    _require_root "registering qemu-aarch64"
    command -v update-binfmts >/dev/null || die "update-binfmts is missing (package binfmt-support)"
    [[ -e /var/lib/binfmts/qemu-aarch64 ]] || update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
    update-binfmts --enable qemu-aarch64 ||
      die "update-binfmts --enable qemu-aarch64 failed (package qemu-user-static installed?)"
  fi
  [[ -e "$entry" ]] || die "binfmt_misc has no qemu-aarch64 entry after update-binfmts --enable qemu-aarch64"
  head -n 1 "$entry" | grep -qx enabled || die "binfmt_misc qemu-aarch64 entry is not enabled: $(tr '\n' ' ' <"$entry")"
  local flags interp
  flags="$(sed -n 's/^flags: *//p' "$entry")"
  interp="$(sed -n 's/^interpreter *//p' "$entry")"
  [[ "$flags" == *F* ]] ||
    die "binfmt_misc qemu-aarch64 lacks the F flag (flags: '$flags'); arm64 would not run in containers. Install qemu-user-static (not qemu-user) and re-run update-binfmts --enable qemu-aarch64"
  if [[ "$flags" != *C* ]]; then
    _binfmt_add_credentials_flag "$entry" "$interp" "$flags"
    flags="$(sed -n 's/^flags: *//p' "$entry")"
  fi
  _run_arm64_probe || die "arm64 binaries do not run on this machine although binfmt_misc has qemu-aarch64 (interpreter $interp, flags $flags)"
  log "binfmt: arm64 programs run through $interp (flags $flags)"
}

# ---------------------------------------------------------------------------
# Debian root filesystems (debootstrap, cached as tarballs)
# ---------------------------------------------------------------------------

# The Debian mirror apt uses (deb822 .sources first, then sources.list).
debian_mirror() {
  if [[ -n "${GROCKER_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "$GROCKER_DEBIAN_MIRROR"
    return 0
  fi
  local uri="" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri="$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
      grep -v -e security -e '^cdrom:' | grep -m1 -E '^https?://' || true)"
    [[ -n "$uri" ]] && break
  done
  if [[ -z "$uri" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f "$f" ]] || continue
      uri="$(sed -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2 }' |
        grep -v security | grep -m1 -E '^https?://' || true)"
      [[ -n "$uri" ]] && break
    done
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# True while someone else is writing a root filesystem: a debootstrap process
# runs, or a *.tar.tmp in the cache directory was modified in the last minute.
_rootfs_writer_active() {
  local dir="$1" f now
  # debootstrap is a shell script: its process name is "debootstrap", or it
  # runs as "sh /usr/sbin/debootstrap ..." when started through a shell.
  if pgrep -x debootstrap >/dev/null 2>&1 ||
    pgrep -f '^(/usr)?(/bin/)?(sh|dash|bash) (/usr/sbin/)?debootstrap( |$)' >/dev/null 2>&1; then
    return 0
  fi
  now="$(date +%s)"
  for f in "$dir"/*.tar.tmp; do
    [[ -e "$f" ]] || continue
    (($(stat -c %Y "$f") > now - 60)) && return 0
  done
  return 1
}

_rootfs_cleanup_dir() {
  local dir="$1" m
  [[ -d "$dir" ]] || return 0
  # debootstrap mounts proc/sys inside the target; unmount anything left there
  # (deepest first) and never recurse into another file system while deleting.
  while read -r m; do
    [[ -n "$m" ]] && { umount -l "$m" 2>/dev/null || true; }
  done < <(findmnt -rn -o TARGET | awk -v d="$dir/" 'index($0, d) == 1' | sort -r)
  rm -rf --one-file-system "$dir"
}

_build_rootfs() {
  local arch="$1" out="$2" suite="$3" mirror="$4"
  local work logf start=$SECONDS host_arch
  host_arch="$(dpkg --print-architecture)"
  work="$(mktemp -d "/var/tmp/rootfs-grocker-$suite-$arch.XXXXXX")"
  chmod 755 "$work" # it becomes / of the image: not mktemp's 0700
  logf="/var/log/grocker-debootstrap-$suite-$arch.log"
  : >"$logf"
  log "rootfs: debootstrap --variant=minbase --arch=$arch $suite from $mirror (log: $logf)"
  if ! debootstrap --variant=minbase --arch="$arch" "$suite" "$work" "$mirror" >>"$logf" 2>&1; then
    if [[ "$arch" == "$host_arch" ]]; then
      _show_log_tail "$logf"
      _rootfs_cleanup_dir "$work"
      die "debootstrap of $suite/$arch failed (log: $logf)"
    fi
    # Foreign architecture: fall back to the two-stage way.
    warn "one-stage debootstrap of $arch failed; retrying with --foreign + second stage in a chroot"
    _rootfs_cleanup_dir "$work"
    work="$(mktemp -d "/var/tmp/rootfs-grocker-$suite-$arch.XXXXXX")"
    chmod 755 "$work"
    if ! debootstrap --variant=minbase --foreign --arch="$arch" "$suite" "$work" "$mirror" >>"$logf" 2>&1 ||
      ! chroot "$work" /debootstrap/debootstrap --second-stage >>"$logf" 2>&1; then
      _show_log_tail "$logf"
      _rootfs_cleanup_dir "$work"
      die "debootstrap of $suite/$arch failed, one-stage and two-stage (log: $logf)"
    fi
  fi
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/*
  if ! tar --numeric-owner -C "$work" -cf "$out.tmp" . 2>>"$logf"; then
    rm -f "$out.tmp"
    _rootfs_cleanup_dir "$work"
    die "tar of the $arch root filesystem into $out.tmp failed (log: $logf)"
  fi
  mv -f "$out.tmp" "$out"
  _rootfs_cleanup_dir "$work"
  log "rootfs: $(basename "$out") written ($(du -h "$out" | cut -f1)) in $(_fmt_seconds $((SECONDS - start)))"
}

# Makes sure $GROCKER_ROOTFS_DIR/bookworm-ARCH.tar exists for each ARCH given
# (default: amd64 arm64); debootstraps only the missing ones. Exports
# GROCKER_ROOTFS_DIR. Concurrent runs are serialised with a lock, and a
# root filesystem being written by some other job is waited for.
# shellcheck disable=SC2120 # arguments are optional
ensure_rootfs() {
  local arches=("$@")
  ((${#arches[@]})) || arches=(amd64 arm64)
  export GROCKER_ROOTFS_DIR="${GROCKER_ROOTFS_DIR:-/var/cache/grocker/rootfs}"
  # examples/debian/debian.yaml takes its root filesystems from there, outside its own directory
  export GROCKER_ALLOWED_PATHS="${GROCKER_ALLOWED_PATHS:+$GROCKER_ALLOWED_PATHS:}$GROCKER_ROOTFS_DIR"
  local dir="$GROCKER_ROOTFS_DIR" suite="${GROCKER_DEBIAN_SUITE:-bookworm}"
  local start=$SECONDS arch out missing=()
  for arch in "${arches[@]}"; do
    [[ -s "$dir/$suite-$arch.tar" ]] || missing+=("$arch")
  done
  if ((${#missing[@]} == 0)); then
    log "rootfs: cached in $dir ($(for a in "${arches[@]}"; do printf '%s-%s.tar ' "$suite" "$a"; done | sed 's/ $//'))"
    return 0
  fi
  _require_root "building root filesystems (debootstrap)"
  command -v debootstrap >/dev/null || die "debootstrap is not installed"
  mkdir -p "$dir" || die "cannot create $dir"

  local lockfd
  exec {lockfd}>"$dir/.lock"
  if ! flock -n "$lockfd"; then
    log "rootfs: another grocker run holds $dir/.lock; waiting for it (up to 30 min)"
    flock -w 1800 "$lockfd" || die "timed out waiting for the lock on $dir/.lock"
  fi
  local waited=0
  # Quiet for two checks in a row: no gap between another job's debootstrap
  # and its tar is mistaken for the end of that job.
  while _rootfs_writer_active "$dir" || { sleep 3 && _rootfs_writer_active "$dir"; }; do
    if ((waited == 0)); then
      log "rootfs: a debootstrap or a *.tar.tmp in $dir is being written by another job; waiting for it (up to 30 min)"
    fi
    ((waited < 1800)) || die "a root filesystem job is still running after 30 min; giving up"
    sleep 5
    waited=$((waited + 5))
  done
  ((waited == 0)) || log "rootfs: the other job finished after ${waited} s"

  local mirror=""
  for arch in "${arches[@]}"; do
    out="$dir/$suite-$arch.tar"
    if [[ -s "$out" ]]; then
      log "rootfs: $(basename "$out") cached"
      continue
    fi
    rm -f "$out.tmp" # stale leftover: nobody is writing it (checked above)
    [[ -n "$mirror" ]] || mirror="$(debian_mirror)"
    _build_rootfs "$arch" "$out" "$suite" "$mirror"
  done
  exec {lockfd}>&-
  log "rootfs: ready in $dir after $(_fmt_seconds $((SECONDS - start)))"
}

# ---------------------------------------------------------------------------
# A local registry (distribution 2.8 from Debian)
# ---------------------------------------------------------------------------

_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 30000))
    _port_in_use "$p" || {
      printf '%s\n' "$p"
      return 0
    }
  done
  return 1
}

_registry_answers() { curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$1/v2/" 2>/dev/null; }

# The pid in STATE_DIR/registry.pid if that process is alive and is a registry.
_registry_pid_alive() {
  local state="$1" pid
  pid="$(cat "$state/registry.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "docker-registry serve $state/config.yml" || return 1
  printf '%s\n' "$pid"
}

# start_registry PORT_OR_EMPTY STATE_DIR
# Runs /usr/bin/docker-registry on 127.0.0.1 with storage under STATE_DIR and
# deletes enabled; PORT is preferred, a free port is taken when it is empty or
# busy. Reuses a registry started earlier with the same STATE_DIR when it still
# answers. Exports GROCKER_REGISTRY=127.0.0.1:PORT; writes STATE_DIR/registry.pid
# and STATE_DIR/registry.port. Leaves the registry running.
start_registry() {
  local want="${1:-}" state="${2:?start_registry PORT_OR_EMPTY STATE_DIR}"
  local bin=/usr/bin/docker-registry pid port
  [[ -x "$bin" ]] || die "$bin is missing (package docker-registry)"
  command -v curl >/dev/null || die "curl is missing"
  mkdir -p "$state/storage" || die "cannot create $state"
  state="$(cd -P "$state" && pwd)"

  if pid="$(_registry_pid_alive "$state")"; then
    port="$(cat "$state/registry.port" 2>/dev/null || true)"
    if [[ "$port" =~ ^[0-9]+$ ]] && _registry_answers "$port"; then
      export GROCKER_REGISTRY="127.0.0.1:$port"
      log "registry: reusing the one at http://127.0.0.1:$port (pid $pid, storage $state/storage)"
      return 0
    fi
    die "registry pid $pid from $state/registry.pid is running but does not answer on port '${port}'; stop it with: kill $pid"
  fi

  local _
  for _ in 1 2 3; do
    port="$want"
    if [[ -n "$port" ]] && _port_in_use "$port"; then
      log "registry: port $port is in use; taking a free one"
      port=""
    fi
    [[ -n "$port" ]] || port="$(_free_port)" || die "no free port found for the registry"
    cat >"$state/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $state/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: grocker-local-registry
EOF
    printf '\n=== %s grocker: starting registry on 127.0.0.1:%s\n' "$(date -Is)" "$port" >>"$state/registry.log"
    rm -f "$state/registry.pid"
    # setsid: the registry outlives this script and its process group.
    # shellcheck disable=SC2016 # expanded by the inner bash
    setsid bash -c 'echo $$ >"$1/registry.pid"; exec "$2" serve "$1/config.yml"' \
      grocker-registry "$state" "$bin" </dev/null >>"$state/registry.log" 2>&1 &
    local i
    for ((i = 0; i < 100; i++)); do
      [[ -s "$state/registry.pid" ]] && break
      sleep 0.1
    done
    pid="$(cat "$state/registry.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || die "the registry did not start (no pid in $state/registry.pid)"
    for ((i = 0; i < 300; i++)); do
      if _registry_answers "$port"; then
        printf '%s\n' "$port" >"$state/registry.port"
        export GROCKER_REGISTRY="127.0.0.1:$port"
        log "registry: http://127.0.0.1:$port answers (pid $pid, storage $state/storage, log $state/registry.log)"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      _show_log_tail "$state/registry.log"
      die "the registry (pid $pid) did not answer on http://127.0.0.1:$port/v2/ within 30 s"
    fi
    rm -f "$state/registry.pid"
    # It exited: a port taken in the meantime is worth another try, anything else is not.
    if [[ -z "$want" || "$port" != "$want" ]] && tail -n 5 "$state/registry.log" | grep -q 'address already in use'; then
      log "registry: port $port was taken meanwhile; retrying"
      continue
    fi
    _show_log_tail "$state/registry.log"
    die "the registry exited during startup (log: $state/registry.log)"
  done
  _show_log_tail "$state/registry.log"
  die "the registry could not bind a port after 3 attempts"
}

# stop_registry STATE_DIR: stops the registry recorded in STATE_DIR/registry.pid.
stop_registry() {
  local state="${1:?stop_registry STATE_DIR}" pid i
  [[ -d "$state" ]] && state="$(cd -P "$state" && pwd)"
  if pid="$(_registry_pid_alive "$state")"; then
    kill "$pid"
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "registry pid $pid did not stop"
    log "registry: stopped (pid $pid)"
  else
    log "registry: none running for $state"
  fi
  rm -f "$state/registry.pid"
}

# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

# Builds target/grocker.jar when it is missing or older than any file in src/,
# resources/ or pom.xml.
build_cli() {
  local jar="$GROCKER_ROOT/target/grocker.jar" newer="" start=$SECONDS p inputs=()
  for p in src resources pom.xml; do
    [[ -e "$GROCKER_ROOT/$p" ]] && inputs+=("$GROCKER_ROOT/$p")
  done
  if [[ -f "$jar" ]]; then
    if ((${#inputs[@]})); then
      newer="$(find "${inputs[@]}" -type f -newer "$jar" -print -quit 2>/dev/null || true)"
      newer="${newer#"$GROCKER_ROOT"/}"
    fi
    if [[ -z "$newer" ]]; then
      log "cli: target/grocker.jar is up to date"
      return 0
    fi
    log "cli: rebuilding target/grocker.jar ($newer changed)"
  else
    log "cli: building target/grocker.jar"
  fi
  command -v mvn >/dev/null || die "mvn is not installed (package maven)"
  (cd "$GROCKER_ROOT" && mvn -B -q -DskipTests package) || die "mvn -B -q -DskipTests package failed"
  [[ -f "$jar" ]] || die "mvn package succeeded but $jar is missing (the pom must produce target/grocker.jar)"
  touch "$jar"
  log "cli: built target/grocker.jar in $(_fmt_seconds $((SECONDS - start)))"
}

# ---------------------------------------------------------------------------
# npm-groovy-lint (the shared library's linter)
# ---------------------------------------------------------------------------

# Makes sure npm-groovy-lint runs: installs it from the npm registry with
# `npm install -g` when `npm-groovy-lint --version` fails. Needs node, npm and
# Java (CodeNarc runs on the JVM).
ensure_npm_groovy_lint() {
  if npm-groovy-lint --version >/dev/null 2>&1; then
    log "npm-groovy-lint: $(npm-groovy-lint --version 2>/dev/null | sed -n 's/^npm-groovy-lint version //p' | head -n 1) present"
    return 0
  fi
  command -v npm >/dev/null || die "npm is missing: install node and npm (Debian: apt-get install nodejs npm) to lint the shared library"
  command -v java >/dev/null || die "java is missing: npm-groovy-lint runs CodeNarc on the JVM"
  local npmlog start=$SECONDS
  npmlog="$(mktemp /tmp/grocker-npm.XXXXXX.log)"
  log "npm-groovy-lint: installing (npm install -g npm-groovy-lint)"
  npm install -g npm-groovy-lint >"$npmlog" 2>&1 || {
    _show_log_tail "$npmlog"
    die "npm install -g npm-groovy-lint failed (log: $npmlog)"
  }
  npm-groovy-lint --version >/dev/null 2>&1 || {
    _show_log_tail "$npmlog"
    die "npm-groovy-lint was installed but 'npm-groovy-lint --version' fails (is $(npm prefix -g)/bin on PATH?)"
  }
  rm -f "$npmlog"
  log "npm-groovy-lint: installed in $(_fmt_seconds $((SECONDS - start)))"
}
