#!/usr/bin/env bash
# bench/base.sh: how long `grocker base` takes for the Loom and FlowCore examples, next to the same
# hierarchies built with plain `docker build` from hand-written Dockerfiles (bench/dockerfiles/), in
# the same run, against the same fresh local registry. Loom's kafka-python-base takes aiokafka and orjson
# from a package index: the bench serves stand-ins made locally, to both tools (LOOM_INDEX_URL for grocker,
# --build-arg INDEX_URL for docker build).
#
# For each hierarchy it measures (wall clock, in this order):
#   grocker  cold               no local images of this run's registry (but debian), builder cache pruned
#   grocker  no-change          the same command again (3 times; the median is shown)
#   grocker  one-child-changed  one env var added to one image (Loom: kafka-python-base, so it and
#                               fastapi-base are rebuilt; FlowCore: its only image)
#   docker   cold               docker builder prune, then docker build --no-cache + docker push of the chain
#   docker   no-change          the same builds with the layer cache + pushes (3 times; median)
#   docker   one-child-changed  the same ENV added to the same Dockerfile, chain rebuilt + pushed
# and prints a table with the ratios, and where grocker's one-child-changed time goes: its --verbose
# output, each line stamped with the time it arrived, summed per phase (start-up until the first line,
# each Dockerfile step of each image, the engine's push and the key read-back after the last step, the
# indexes, the tags). Targets (issue 13): grocker's no-change run takes <= 5% of its cold run and <= 2 x
# docker's cached rebuild; one child changed takes <= docker's time for the same change. Missing a target
# is a result, not an error: the script exits 0 then; it exits non-zero only when a build or the setup
# fails.
#
# Only linux/amd64 is built: arm64 would run under qemu emulation and its time would dominate.
#
# Usage: bench/base.sh [--only loom|flowcore]
#   BENCH_GROCKER_JAR=FILE  measure this jar (java -jar FILE) instead of bin/grocker, and do not run
#                           build_cli (target/grocker.jar is then neither needed nor rebuilt)
# The output of every command goes to a log directory under /tmp, kept and named at the end.
# Needs root or a user that may use the Docker engine (scripts/lib/setup.sh: ensure_docker).
set -euo pipefail

BENCH_DIR="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$BENCH_DIR/.." && pwd)"
PLATFORM=linux/amd64
HIERARCHIES=(loom flowcore)
NO_CHANGE_RUNS=3 # the no-change runs are short and noisy: the table shows the median of these

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

only=""
while (($#)); do
  case "$1" in
    --only)
      (($# >= 2)) || {
        echo "bench/base.sh: --only needs loom or flowcore" >&2
        exit 2
      }
      only="$2"
      shift 2
      ;;
    --only=*)
      only="${1#--only=}"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "bench/base.sh: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
done
case "$only" in
  "") ;;
  loom | flowcore) HIERARCHIES=("$only") ;;
  *)
    echo "bench/base.sh: --only takes loom or flowcore, not '$only'" >&2
    exit 2
    ;;
esac
REPEAT="bench/base.sh${only:+ --only $only}"

# shellcheck source=SCRIPTDIR/../scripts/lib/setup.sh
source "$ROOT/scripts/lib/setup.sh"
# shellcheck source=SCRIPTDIR/lib.sh
source "$ROOT/bench/lib.sh"

GROCKER=("$ROOT/bin/grocker")
if [[ -n "${BENCH_GROCKER_JAR:-}" ]]; then
  [[ -f "$BENCH_GROCKER_JAR" ]] || {
    echo "bench/base.sh: BENCH_GROCKER_JAR=$BENCH_GROCKER_JAR is not a file" >&2
    exit 2
  }
  GROCKER=("${JAVA:-java}" -jar "$BENCH_GROCKER_JAR")
fi
export DOCKER_BUILDKIT=0 # plain `docker build` uses the classic builder, as the engine does
# Both tools build FROM this run's debian image, never from an override in the environment.
unset LOOM_FROM FLOWCORE_FROM

WORK="$(mktemp -d /tmp/grocker-bench.XXXXXX)"
REGISTRY_STATE="$(mktemp -d /tmp/grocker-bench-registry.XXXXXX)"
LOGS="$(mktemp -d /tmp/grocker-bench-logs.XXXXXX)"
REGISTRY_STARTED=""

INDEX_PID=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -z "$INDEX_PID" ]] || kill "$INDEX_PID" 2>/dev/null || true
  if [[ -n "$REGISTRY_STARTED" ]]; then
    remove_registry_images "" || true
    (stop_registry "$REGISTRY_STATE") || true
  fi
  rm -rf "$REGISTRY_STATE"
  rm -rf "$WORK"
  ((rc == 0)) || printf 'bench/base.sh: failed (exit %s); logs in %s\n' "$rc" "$LOGS" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


declare -A SAMPLES=()

# timed_median N KEY COMMAND...: runs `timed` N times; SECS[KEY] is the median, SAMPLES[KEY] all times.
timed_median() {
  local n="$1" key="$2" i all=()
  shift 2
  for ((i = 1; i <= n; i++)); do
    timed "$key-$i" "$@"
    all+=("${SECS[$key-$i]}")
  done
  SAMPLES[$key]="${all[*]}"
  SECS[$key]="$(printf '%s\n' "${all[@]}" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
}

grocker_base() { "${GROCKER[@]}" base --spec "$1" --platform "$PLATFORM"; }

# grocker_base_stamped SPEC STAMPS: grocker base --verbose, each output line also written to STAMPS with the
# time it arrived (EPOCHREALTIME) in front; the first line of STAMPS is the start time.
grocker_base_stamped() {
  local stamps="$2" line
  printf '%s start\n' "$EPOCHREALTIME" >"$stamps"
  "${GROCKER[@]}" base --spec "$1" --platform "$PLATFORM" --verbose 2>&1 | while IFS= read -r line; do
    printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$stamps"
    printf '%s\n' "$line"
  done
}

# breakdown STAMPS: seconds per phase of a stamped run, largest first. A line's interval (until the next
# line) goes to the phase the line opens or belongs to: a "| Step N/M : INSTRUCTION" line opens that step
# of its image; the engine's lines after it ("---> ...") belong to it; after the last step of an image come
# its push by the engine and the key read-back ("built in" closes them); "pushed index" and "tagged" lines
# are the indexes and tags; before the first line, the JVM start-up, the spec and the plan.
breakdown() {
  awk '
    NR == 1 { t0 = $1; prev = $1; phase = "start-up, spec, plan (until the first line)"; next }
    {
      t = $1; d = t - prev; sums[phase] += d; prev = t
      line = $0; sub(/^[^ ]+ /, "", line)
      image = ""
      if (match(line, /^\[[^]]+\]/)) image = substr(line, 2, RLENGTH - 2)
      if (line ~ /\| Step [0-9]+\/[0-9]+ : /) {
        step = line; sub(/.*\| Step /, "", step); split(step, parts, " : ")
        instruction = parts[2]; if (length(instruction) > 48) instruction = substr(instruction, 1, 45) "..."
        phase = image ": step " parts[1] " " instruction
        if (parts[1] ~ /^([0-9]+)\/\1$/) last[image] = 1
      } else if (line ~ /\| Successfully (built|tagged)/) {
        phase = image ": push by the engine, key read-back"
      } else if (line ~ /\] building: /) {
        phase = image ": the build context and the engine'"'"'s start"
      } else if (line ~ /\] (built|reused) in /) {
        phase = "planning and waiting between images"
      } else if (line ~ /^pushed index /) {
        phase = "indexes"
      } else if (line ~ /^(tagged|tags) /) {
        phase = "tags"
      } else if (line ~ /^done in /) {
        phase = "summary and exit"
      }
      end = t
    }
    END {
      total = end - t0
      for (p in sums) printf "%8.2fs %5.1f%%  %s\n", sums[p], 100 * sums[p] / total, p
    }' "$1" | sort -gr | head -n 15
}

# Makes neither the engine's build cache nor local images able to help the next build.
forget_local_builds() {
  remove_registry_images "^$GROCKER_REGISTRY/debian\$"
  docker builder prune -af >>"$LOGS/builder-prune.log" 2>&1
}

# The images of a hierarchy, parents first; its spec; the image whose env the "one child changed"
# run edits.
hierarchy_images() {
  case "$1" in
    loom) echo python-base kafka-python-base fastapi-base ;;
    flowcore) echo flowcore flowcore-dev ;;
  esac
}
hierarchy_spec() { echo "$1.yaml"; }
changed_image() {
  case "$1" in
    loom) echo kafka-python-base ;;
    flowcore) echo flowcore-dev ;;
  esac
}

# add_spec_env SPEC IMAGE NAME VALUE: adds NAME=VALUE to the env of IMAGE in the spec file (to its
# env map when it has one, else as a new env map at the end of that image).
add_spec_env() {
  local spec="$1" image="$2" name="$3" value="$4"
  awk -v image="$image" -v name="$name" -v value="$value" '
    function close_image() {
      if (inside && !done) { printf "    env:\n      %s: \"%s\"\n", name, value; done = 1 }
      inside = 0
    }
    /^  - name: / {
      close_image()
      inside = ($3 == image)
    }
    { print }
    inside && !done && /^    env:[ \t]*$/ { printf "      %s: \"%s\"\n", name, value; done = 1 }
    END { close_image() }
  ' "$spec" >"$spec.new"
  mv "$spec.new" "$spec"
  grep -q "^      $name: \"$value\"\$" "$spec" || die "could not add $name to image $image in $spec"
}

# add_dockerfile_env DOCKERFILE NAME VALUE: adds ENV NAME=VALUE before the first LABEL instruction
# (after the steps that do the work, as the engine's template puts env).
add_dockerfile_env() {
  local file="$1" name="$2" value="$3"
  awk -v line="ENV $name=\"$value\"" '!done && /^LABEL / { print line; done = 1 } { print }' \
    "$file" >"$file.new"
  mv "$file.new" "$file"
  grep -q "^ENV $name=" "$file" || die "could not add ENV $name to $file"
}

# plain_chain HIERARCHY CONTEXT [--no-cache]: docker build + docker push of each image of the
# hierarchy, parents first, each FROM the previous one.
plain_chain() {
  local hierarchy="$1" context="$2" cache="${3:-}" base="$GROCKER_REGISTRY/debian:bookworm" image ref
  local images
  read -r -a images <<<"$(hierarchy_images "$hierarchy")"
  for image in "${images[@]}"; do
    ref="$GROCKER_REGISTRY/plain/$image:bench"
    echo "### docker build $image ${cache:-(layer cache)}"
    docker build --network host ${cache:+"$cache"} --build-arg "BASE=$base" --build-arg "INDEX_URL=${LOOM_INDEX_URL:-}" \
      -f "$context/$image.Dockerfile" -t "$ref" "$context" || return 1
    echo "### docker push $ref"
    docker push "$ref" || return 1
    base="$ref"
  done
}

# start_loom_index: Loom's python-base names a package index (LOOM_INDEX_URL) that kafka-python-base takes aiokafka
# and orjson from; no index these machines reach has them, so the bench serves stand-ins (pure-Python wheels of
# those names, made here) with python3 -m http.server, to grocker and to the hand-written Dockerfiles alike.
start_loom_index() {
  local root="$WORK/loom-index" port i
  python3 - "$root" <<'PY' || die "could not make the Loom stand-in wheels"
import base64, hashlib, os, sys, zipfile
root = sys.argv[1]
for name, version in (("aiokafka", "0.10.0"), ("orjson", "3.10.0")):
    os.makedirs(os.path.join(root, "simple", name), exist_ok=True)
    info = f"{name}-{version}.dist-info/"
    files = {f"{name}/__init__.py": f"SOURCE = '{name}-stand-in'\n".encode(),
             info + "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             info + "WHEEL": b"Wheel-Version: 1.0\nGenerator: grocker-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}\n"
                     for n, d in files.items())
    files[info + "RECORD"] = (record + info + "RECORD,,\n").encode()
    with zipfile.ZipFile(os.path.join(root, "simple", name, f"{name}-{version}-py3-none-any.whl"), "w") as z:
        for n, d in files.items():
            z.writestr(zipfile.ZipInfo(n, date_time=(2024, 1, 1, 0, 0, 0)), d)
PY
  port="$(_free_port)" || die "no free port for the Loom index"
  python3 -m http.server --bind 127.0.0.1 --directory "$root" "$port" </dev/null >"$LOGS/loom-index.log" 2>&1 &
  INDEX_PID=$!
  for ((i = 0; i < 100; i++)); do
    if curl -fsS --max-time 3 "http://127.0.0.1:$port/simple/orjson/" 2>/dev/null | grep -q 'orjson-3.10.0'; then
      export LOOM_INDEX_URL="http://127.0.0.1:$port/simple" LOOM_INDEX_HOST=127.0.0.1
      log "loom: stand-ins for aiokafka and orjson served at $LOOM_INDEX_URL (pid $INDEX_PID)"
      return 0
    fi
    sleep 0.1
  done
  die "the Loom index on 127.0.0.1:$port did not answer"
}

bench_hierarchy() {
  local h="$1" stamp spec ctx
  stamp="$(date +%s)"
  # grocker: a copy of the example, so that it can be edited
  cp -r "$ROOT/examples/$h" "$WORK/spec-$h"
  spec="$WORK/spec-$h/$(hierarchy_spec "$h")"
  log "$h: grocker cold (local images of the registry but debian removed, builder cache pruned)"
  forget_local_builds
  timed "$h-grocker-cold" grocker_base "$spec"
  log "$h: grocker no-change"
  timed_median "$NO_CHANGE_RUNS" "$h-grocker-no-change" grocker_base "$spec"
  add_spec_env "$spec" "$(changed_image "$h")" BENCH_CHANGE "$stamp"
  log "$h: grocker one-child-changed ($(changed_image "$h") gets env BENCH_CHANGE)"
  timed "$h-grocker-one-child-changed" grocker_base_stamped "$spec" "$LOGS/$h-grocker-one-child-changed.stamps"

  # plain docker build: the hand-written Dockerfiles (and the Loom health check) in one context
  ctx="$WORK/plain-$h"
  mkdir -p "$ctx"
  cp "$BENCH_DIR/dockerfiles/$h/"*.Dockerfile "$ctx/"
  if [[ "$h" == loom ]]; then
    install -m 0755 "$ROOT/examples/loom/healthcheck.py" "$ctx/healthcheck.py"
  fi
  log "$h: docker cold (builder cache pruned, --no-cache)"
  docker builder prune -af >>"$LOGS/builder-prune.log" 2>&1
  timed "$h-docker-cold" plain_chain "$h" "$ctx" --no-cache
  log "$h: docker no-change (layer cache)"
  timed_median "$NO_CHANGE_RUNS" "$h-docker-no-change" plain_chain "$h" "$ctx"
  add_dockerfile_env "$ctx/$(changed_image "$h").Dockerfile" BENCH_CHANGE "$stamp"
  log "$h: docker one-child-changed ($(changed_image "$h").Dockerfile gets ENV BENCH_CHANGE)"
  timed "$h-docker-one-child-changed" plain_chain "$h" "$ctx"
}

lesseq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

print_results() {
  local h run g d
  printf '\n%-10s %-19s %9s %14s %16s\n' hierarchy run grocker "docker build" grocker/docker
  for h in "${HIERARCHIES[@]}"; do
    for run in cold no-change one-child-changed; do
      g="${SECS[$h-grocker-$run]}"
      d="${SECS[$h-docker-$run]}"
      printf '%-10s %-19s %8.2fs %13.2fs %16s\n' "$h" "$run" "$g" "$d" "$(ratio "$g" "$d")"
    done
    printf '%-10s %-19s %9s %14s\n' "$h" "no-change / cold" \
      "$(percent "${SECS[$h-grocker-no-change]}" "${SECS[$h-grocker-cold]}")" \
      "$(percent "${SECS[$h-docker-no-change]}" "${SECS[$h-docker-cold]}")"
  done
  echo
  for h in "${HIERARCHIES[@]}"; do
    printf '%s no-change runs (s): grocker %s; docker build %s\n' "$h" \
      "${SAMPLES[$h-grocker-no-change]}" "${SAMPLES[$h-docker-no-change]}"
  done
  for h in "${HIERARCHIES[@]}"; do
    g="${SECS[$h-grocker-no-change]}"
    printf '%s: no-change <= 5%% of cold: %s; no-change <= 2 x docker'"'"'s cached rebuild: %s (%s x);' "$h" \
      "$(yes_no lesseq "$g" "$(awk -v c="${SECS[$h-grocker-cold]}" 'BEGIN { print c * 0.05 }')")" \
      "$(yes_no lesseq "$g" "$(awk -v c="${SECS[$h-docker-no-change]}" 'BEGIN { print c * 2 }')")" \
      "$(ratio "$g" "${SECS[$h-docker-no-change]}")"
    printf ' one child changed <= docker: %s (%s x)\n' \
      "$(yes_no lesseq "${SECS[$h-grocker-one-child-changed]}" "${SECS[$h-docker-one-child-changed]}")" \
      "$(ratio "${SECS[$h-grocker-one-child-changed]}" "${SECS[$h-docker-one-child-changed]}")"
  done
}

main() {
  local docker_version started
  started="$(date -Is)"
  ensure_docker
  ensure_rootfs amd64
  if [[ -z "${BENCH_GROCKER_JAR:-}" ]]; then
    build_cli
  else
    log "cli: measuring $BENCH_GROCKER_JAR (BENCH_GROCKER_JAR; build_cli not run)"
  fi
  start_registry "" "$REGISTRY_STATE"
  REGISTRY_STARTED=1
  log "debian: building the base image into the fresh registry $GROCKER_REGISTRY"
  run_logged debian grocker_base "$ROOT/examples/debian/debian.yaml"
  # Both tools find the debian image locally, so neither run's time includes pulling it.
  run_logged debian-pull docker pull "$GROCKER_REGISTRY/debian:bookworm"

  local h
  [[ " ${HIERARCHIES[*]} " != *" loom "* ]] || start_loom_index
  for h in "${HIERARCHIES[@]}"; do
    bench_hierarchy "$h"
  done

  docker_version="$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
  echo
  echo "Grocker base-image benchmark, started $started, finished $(date -Is)"
  echo "docker engine $docker_version (classic builder); $(java -version 2>&1 | head -n 1)"
  echo "grocker: ${GROCKER[*]} ($("${GROCKER[@]}" --version 2>/dev/null | head -n 1 || echo '?'))"
  echo "platform: $PLATFORM only (arm64 would run under qemu emulation and dominate the times)"
  echo "registry: a fresh local registry ($GROCKER_REGISTRY), so grocker's registry-side cache starts empty"
  echo "wall-clock seconds (no-change: median of $NO_CHANGE_RUNS runs); every run pushes (grocker: images, index, tags; docker: docker push per image)"
  print_results
  for h in "${HIERARCHIES[@]}"; do
    echo
    echo "$h: where grocker's one-child-changed time goes (--verbose, lines stamped on arrival):"
    breakdown "$LOGS/$h-grocker-one-child-changed.stamps"
  done
  echo
  echo "repeat with: ${BENCH_GROCKER_JAR:+BENCH_GROCKER_JAR=$BENCH_GROCKER_JAR }$REPEAT"
  echo "logs: $LOGS"
}

main
