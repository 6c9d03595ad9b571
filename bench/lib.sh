# shellcheck shell=bash
# Helpers the benchmarks share; sourced after scripts/lib/setup.sh. They expect GROCKER_REGISTRY (the
# run's registry) and LOGS (a log directory); timed() records seconds in SECS.

declare -A SECS=()

now() { date +%s.%N; }

# The local references (repo:tag, else repo@digest) under this run's registry whose repository does
# not match the optional extended regex KEEP.
registry_image_refs() {
  local keep="${1:-}"
  docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' |
    awk -v p="$GROCKER_REGISTRY/" -v keep="$keep" '
      index($1, p) == 1 && (keep == "" || $1 !~ keep) {
        if ($2 != "<none>") print $1 ":" $2; else if ($3 != "<none>") print $1 "@" $3
      }' | sort -u
}

# Removes the local images under this run's registry (but those matching KEEP, see above) by
# reference, never by image id: an image id may also carry another registry's tags (the debian
# image is reproducible), and those are not ours to remove. An image that only loses our references
# stays; an untagged parent goes with its last child.
remove_registry_images() {
  local keep="${1:-}" _ refs
  for _ in 1 2 3; do
    refs="$(registry_image_refs "$keep")"
    [[ -n "$refs" ]] || return 0
    # shellcheck disable=SC2086 # one reference per word
    docker rmi $refs >/dev/null 2>&1 || true
  done
  refs="$(registry_image_refs "$keep")"
  [[ -z "$refs" ]] || warn "local images still present after docker rmi: $(echo "$refs" | tr '\n' ' ')"
}

# run_logged NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME.log; stops the script
# (non-zero exit) with the end of that log when it fails.
run_logged() {
  local name="$1"
  shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    _show_log_tail "$LOGS/$name.log" 30
    die "$name failed (log: $LOGS/$name.log)"
  fi
}

# timed KEY COMMAND...: run_logged, and the wall-clock seconds it took go to SECS[KEY].
timed() {
  local key="$1" start end
  shift
  start="$(now)"
  run_logged "$key" "$@"
  end="$(now)"
  SECS[$key]="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
  log "$key: ${SECS[$key]} s"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
yes_no() { if "$@"; then echo yes; else echo no; fi; }
