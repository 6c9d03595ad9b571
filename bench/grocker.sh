#!/usr/bin/env bash
# Times grocker on an application, cold, with no change and after an application version bump, next to two
# peers a team could write by hand, in the same run, against the same fresh local registry and the same
# local package index: a naive single-stage Dockerfile (bench/app/naive.Dockerfile: pip install into an
# image that keeps the build dependencies) and a good multi-stage Dockerfile with its own dependency
# layer (bench/app/multistage.Dockerfile). Per run: wall time, and what reached the registry (blobs and
# bytes newly stored there: what was pushed). Also compares the runner image's size with the naive one's.
#
# Applications (--app):
#   sample  bench/app/app.yaml: grocker-sample[web] 1.0.0 with a C extension, a dependency and an extra (the
#           test suite's sample application, three small wheels)
#   heavy   bench/app/heavy.yaml: grocker-heavy, pure Python, with 32 dependency wheels of 3.25 MiB of
#           incompressible data each (about 100 MiB), made by bench/app/make-heavy.py
#
# Set-up (not timed): the Debian base (examples/debian/debian.yaml) and a Python base
# (bench/app/base.yaml) built with `grocker base` into the fresh registry and kept locally; the sample
# sdists made from src/test/resources/sampleapp/ (and a 1.2.0 made from 1.1.0's tree), or the heavy
# application's wheels and sdists, served as a PEP 503 index by `python3 -m http.server` on 127.0.0.1
# (no PyPI, no Docker Hub).
#
# Measured (wall clock, in this order):
#   grocker      cold          builder cache pruned, local images of the registry (but the two bases)
#                              removed, fresh wheel cache (GROCKER_CACHE_DIR), no wheels directory;
#                              then compile 1.0.0 + runner 1.0.0 --push (two processes)
#   grocker      no-change     the same two commands again (3 times; the median is shown)
#   grocker      profiled      one more no-change compile and runner, not in the table: when each part of
#                              grocker loaded its first class, and when each output line arrived
#   grocker      version-bump  1.1.0: compile + runner --push
#   grocker app  no-change     `grocker app --push` (compile and runner in one process) of 1.1.0 (3 times)
#   grocker app  version-bump  1.2.0: grocker app --push
#   multi-stage  cold          docker builder prune, docker build --no-cache + docker push (1.0.0)
#   multi-stage  no-change     docker build (layer cache) + docker push (3 times; median)
#   multi-stage  version-bump  docker build --build-arg VERSION=1.1.0 (layer cache) + docker push
#   naive        cold, no-change, version-bump: the same as multi-stage
# Targets (issue 13): grocker's no-change run takes <= 5% of its cold run; its version bump <= 15% of its
# cold run, <= 0.6 x the naive bump and <= the multi-stage bump; the bytes its bump pushes <= 1.5 x its
# application layer; its runner image (1.0.0) is <= 0.6 x the naive image. Missing a target is a
# result, not an error: the script exits 0 then; it exits non-zero only when a build or the set-up fails.
#
# Only linux/amd64 is built: arm64 would run under qemu emulation and its time would dominate.
#
# Usage: bench/grocker.sh [--app sample|heavy] [--keep]
#   --app NAME              the application (default: sample)
#   --keep                  leave the registry running and its images in the engine (how to stop it
#                           is printed at the end)
#   BENCH_GROCKER_JAR=FILE  measure this jar (java -jar FILE) instead of bin/grocker, and do not run
#                           build_cli (target/grocker.jar is then neither needed nor rebuilt)
# The output of every command goes to a log directory under /tmp, kept and named at the end.
# Needs root or a user that may use the Docker engine (scripts/lib/setup.sh: ensure_docker).
set -euo pipefail

BENCH_DIR="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$BENCH_DIR/.." && pwd)"
APP_DIR="$BENCH_DIR/app"
PLATFORM=linux/amd64
NO_CHANGE_RUNS=3 # the no-change runs are short and noisy: the table shows the median of these
V1=1.0.0
V2=1.1.0
V3=1.2.0 # made from 1.1.0's tree, for the one-process version bump
# Targets, as fractions
TARGET_NO_CHANGE=0.05
TARGET_BUMP=0.15
TARGET_BUMP_NAIVE=0.6
TARGET_BUMP_BYTES=1.5
TARGET_SIZE=0.6

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

keep="" app=sample
while (($#)); do
  case "$1" in
    --app)
      [[ "${2:-}" == sample || "${2:-}" == heavy ]] || {
        echo "bench/grocker.sh: --app must be sample or heavy, not '${2:-}'" >&2
        exit 2
      }
      app="$2"
      shift 2
      ;;
    --keep)
      keep=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "bench/grocker.sh: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
done
REPEAT="bench/grocker.sh --app $app${keep:+ --keep}"

# shellcheck source=SCRIPTDIR/../scripts/lib/setup.sh
source "$ROOT/scripts/lib/setup.sh"
# shellcheck source=SCRIPTDIR/lib.sh
source "$ROOT/bench/lib.sh"

GROCKER=("$ROOT/bin/grocker")
if [[ -n "${BENCH_GROCKER_JAR:-}" ]]; then
  [[ -f "$BENCH_GROCKER_JAR" ]] || {
    echo "bench/grocker.sh: BENCH_GROCKER_JAR=$BENCH_GROCKER_JAR is not a file" >&2
    exit 2
  }
  GROCKER=("${JAVA:-java}" -jar "$BENCH_GROCKER_JAR")
fi
export DOCKER_BUILDKIT=0 # plain `docker build` uses the classic builder, as the engine does

WORK="$(mktemp -d /tmp/grocker-bench-app.XXXXXX)"
REGISTRY_STATE="$(mktemp -d /tmp/grocker-bench-app-registry.XXXXXX)"
LOGS="$(mktemp -d /tmp/grocker-bench-app-logs.XXXXXX)"
REGISTRY_STARTED=""
INDEX_PID=""
PYTHON_BASE=""
WHEELS="$WORK/wheels"
# Per application: its spec, its repository under the bench's registry, and how the peers install it
# (the naive Dockerfile's requirement, the multi-stage one's pinned dependencies and project name).
if [[ "$app" == heavy ]]; then
  APP_SPEC="$APP_DIR/heavy.yaml"
  APP_NAME=grocker-heavy
  APP_REQUIREMENT=grocker-heavy
  APP_DEPS="$(printf 'grocker-heavy-dep-%02d==1.0.0 ' $(seq 1 32))"
else
  APP_SPEC="$APP_DIR/app.yaml"
  APP_NAME=grocker-sample
  APP_REQUIREMENT="grocker-sample[web]"
  APP_DEPS="grocker-sample-helper==1.0.0 grocker-sample-web==1.0.0"
fi

# Seen by bench/app/base.yaml and bench/app/app.yaml
BENCH_RUN_ID="$(date +%s)-$$"
export BENCH_RUN_ID BENCH_INDEX_URL="" BENCH_APP_VERSION="$V1" GROCKER_CACHE_DIR=""

# Removes the untagged leaf images that descend from IMAGE: the install stages of the multi-stage
# runner builds, which `docker rmi` of the tagged images leaves behind. Removing a leaf takes its
# untagged parents with it. Only this run's builds descend from its Python base (its label makes its
# id unique), so no other job's image is touched.
remove_untagged_descendants() {
  local base ids
  base="$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null)" || return 0
  ids="$(docker images -a -q --no-trunc | sort -u)"
  [[ -n "$ids" ]] || return 0
  # shellcheck disable=SC2086 # one id per word
  ids="$(docker image inspect -f '{{.Id}} {{.Parent}} {{len .RepoTags}}' $ids 2>/dev/null | awk -v base="$base" '
    { parent[$1] = $2; tags[$1] = $3; if ($2 != "") child[$2] = 1 }
    END {
      for (id in parent) {
        if (tags[id] != 0 || (id in child)) continue
        for (p = parent[id]; p != ""; p = parent[p]) if (p == base) { print id; break }
      }
    }')"
  [[ -n "$ids" ]] || return 0
  # shellcheck disable=SC2086 # one id per word
  docker rmi $ids >/dev/null 2>&1 || true
}

stop_index() {
  if [[ -n "$INDEX_PID" ]]; then
    kill "$INDEX_PID" 2>/dev/null || true
    wait "$INDEX_PID" 2>/dev/null || true
    INDEX_PID=""
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT
  stop_index
  if [[ -n "$REGISTRY_STARTED" && -z "$keep" ]]; then
    remove_untagged_descendants "${PYTHON_BASE:-}" || true
    remove_registry_images "" || true
    (stop_registry "$REGISTRY_STATE") || true
    rm -rf "$REGISTRY_STATE"
  fi
  rm -rf "$WORK"
  ((rc == 0)) || printf 'bench/grocker.sh: failed (exit %s); logs in %s\n' "$rc" "$LOGS" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

# ---------------------------------------------------------------------------
# The package index
# ---------------------------------------------------------------------------

# make_sdist PROJECT VERSION OUTDIR: OUTDIR/<name_with_underscores>-VERSION.tar.gz from the sample
# source tree, with one top directory of that name holding the sources and a PKG-INFO; sorted
# entries, owner 0:0, files 0644, directories 0755, dated 2024-01-01 (as SampleApp.java makes them).
make_sdist() {
  local project="$1" version="$2" out="$3" src="${4:-}" base stage
  [[ -n "$src" ]] || src="$ROOT/src/test/resources/sampleapp/$project-$version"
  [[ -f "$src/pyproject.toml" ]] || die "no sample source tree $src"
  base="$(printf '%s' "$project" | tr '[:upper:]' '[:lower:]' | sed -E 's/[-_.]+/_/g')-$version"
  stage="$WORK/sdist-stage/$base"
  rm -rf "$stage"
  mkdir -p "$stage" "$out"
  (cd "$src" && find . -type f \
    ! -path '*/__pycache__/*' ! -path '*/build/*' ! -path '*/dist/*' ! -path '*.egg-info/*' \
    ! -name '*.pyc' ! -name '*.so' ! -name '*.o' ! -name '*.pyd' -print0 |
    xargs -0 -r cp --parents -t "$stage")
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$project" "$version" >"$stage/PKG-INFO"
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  tar -C "$WORK/sdist-stage" --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime=@1704067200 -cf - "$base" | gzip -n >"$out/$base.tar.gz"
  rm -rf "$stage"
}

# The four sample sdists under $WORK/index/simple/<normalized name>/, served by python3 -m http.server
# on a free loopback port (its directory listings are PEP 503 pages). Sets BENCH_INDEX_URL.
start_index() {
  local root="$WORK/index" port p project version normalized i
  if [[ "$app" == heavy ]]; then
    python3 "$APP_DIR/make-heavy.py" "$root" >"$LOGS/make-heavy.log" 2>&1 || {
      _show_log_tail "$LOGS/make-heavy.log"
      die "bench/app/make-heavy.py failed"
    }
    serve_index "$root"
    return
  fi
  for p in grocker-sample:$V1 grocker-sample:$V2 grocker-sample-helper:1.0.0 grocker-sample-web:1.0.0; do
    project="${p%%:*}" version="${p#*:}"
    normalized="$(printf '%s' "$project" | tr '[:upper:]' '[:lower:]' | sed -E 's/[-_.]+/-/g')"
    make_sdist "$project" "$version" "$root/simple/$normalized"
  done
  # 1.2.0: 1.1.0's tree with its version changed
  mkdir -p "$WORK/tree-$V3"
  cp -r "$ROOT/src/test/resources/sampleapp/grocker-sample-$V2/." "$WORK/tree-$V3/"
  sed -i "s/^version = \"$V2\"/version = \"$V3\"/" "$WORK/tree-$V3/pyproject.toml"
  sed -i "s/^__version__ = \"$V2\"/__version__ = \"$V3\"/" "$WORK/tree-$V3/grocker_sample/__init__.py"
  grep -q "^version = \"$V3\"" "$WORK/tree-$V3/pyproject.toml" || die "could not make grocker-sample $V3"
  make_sdist grocker-sample "$V3" "$root/simple/grocker-sample" "$WORK/tree-$V3"
  serve_index "$root"
}

# serve_index ROOT: python3 -m http.server on ROOT, until the application's page lists its $V2.
serve_index() {
  local root="$1" port i
  port="$(_free_port)" || die "no free port for the package index"
  python3 -m http.server --bind 127.0.0.1 --directory "$root" "$port" \
    </dev/null >"$LOGS/index.log" 2>&1 &
  INDEX_PID=$!
  for ((i = 0; i < 100; i++)); do
    if curl -fsS --max-time 3 "http://127.0.0.1:$port/simple/$APP_NAME/" 2>/dev/null |
      grep -q "${APP_NAME//-/_}-$V2.tar.gz"; then
      BENCH_INDEX_URL="http://127.0.0.1:$port/simple"
      log "index: $BENCH_INDEX_URL serves $(find "$root/simple" -name '*.tar.gz' | wc -l) sdists and $(find "$root/simple" -name '*.whl' | wc -l) wheels, $(du -sh "$root" | cut -f1) (pid $INDEX_PID)"
      return 0
    fi
    kill -0 "$INDEX_PID" 2>/dev/null || break
    sleep 0.1
  done
  _show_log_tail "$LOGS/index.log"
  die "the package index on 127.0.0.1:$port did not answer"
}

# ---------------------------------------------------------------------------
# The ways
# ---------------------------------------------------------------------------

# The blobs the registry stores, and their bytes: "COUNT BYTES". Every blob is stored once, so what a
# run adds is what it pushed (compressed layers and configs; manifests are not blobs).
registry_blobs() {
  find "$REGISTRY_STATE/storage/docker/registry/v2/blobs" -type f -name data -printf '%s\n' 2>/dev/null |
    awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }'
}

# measured KEY COMMAND...: timed, and PUSHED_BLOBS[KEY], PUSHED_BYTES[KEY]: what the registry gained.
declare -A PUSHED_BLOBS=() PUSHED_BYTES=()
measured() {
  local key="$1" before after
  shift
  before="$(registry_blobs)"
  timed "$key" "$@"
  after="$(registry_blobs)"
  PUSHED_BLOBS[$key]=$((${after% *} - ${before% *}))
  PUSHED_BYTES[$key]=$((${after#* } - ${before#* }))
}

grocker_base() { "${GROCKER[@]}" base --spec "$1" --platform "$PLATFORM"; }

# grocker_compile / grocker_runner VERSION JSON_PREFIX: the JSON results go to
# $LOGS/JSON_PREFIX-{compile,runner}.json. --verbose: the logs show the engine's build output
# ("Using cache") and pip's.
grocker_compile() {
  BENCH_APP_VERSION="$1" "${GROCKER[@]}" compile --spec "$APP_SPEC" --output "$WHEELS" \
    --platform "$PLATFORM" --verbose --output-json "$LOGS/$2-compile.json"
}
grocker_runner() {
  BENCH_APP_VERSION="$1" "${GROCKER[@]}" runner --spec "$APP_SPEC" --wheels "$WHEELS" \
    --platform "$PLATFORM" --push --verbose --output-json "$LOGS/$2-runner.json"
}
# grocker_one VERSION JSON_PREFIX: grocker app (compile and runner in one process).
grocker_one() {
  BENCH_APP_VERSION="$1" "${GROCKER[@]}" app --spec "$APP_SPEC" --wheels "$WHEELS" \
    --platform "$PLATFORM" --push --verbose --compile-json "$LOGS/$2-compile.json" --output-json "$LOGS/$2-runner.json"
}

# ours_run RUN VERSION: times compile and runner; SECS[ours-RUN-{compile,runner,total}], PUSHED_*[ours-RUN].
ours_run() {
  local run="$1" version="$2"
  measured "ours-$run-compile" grocker_compile "$version" "ours-$run"
  measured "ours-$run-runner" grocker_runner "$version" "ours-$run"
  SECS[ours-$run-total]="$(sum "${SECS[ours-$run-compile]}" "${SECS[ours-$run-runner]}")"
  PUSHED_BLOBS[ours-$run]=$((${PUSHED_BLOBS[ours-$run-compile]} + ${PUSHED_BLOBS[ours-$run-runner]}))
  PUSHED_BYTES[ours-$run]=$((${PUSHED_BYTES[ours-$run-compile]} + ${PUSHED_BYTES[ours-$run-runner]}))
}

# one_run RUN VERSION: grocker app; SECS[one-RUN-total], and PUSHED_*[one-RUN] (set by measured).
one_run() {
  local run="$1" version="$2"
  measured "one-$run" grocker_one "$version" "one-$run"
  SECS[one-$run-total]="${SECS[one-$run]}"
}

# peer_build DOCKERFILE REPOSITORY VERSION [--no-cache]: docker build + docker push of a hand-written peer.
peer_build() {
  local dockerfile="$1" repo="$2" version="$3" cache="${4:-}" ref="$2:$3"
  echo "### docker build $ref ${cache:-(layer cache)}"
  docker build --network host ${cache:+"$cache"} --build-arg "BASE=$PYTHON_BASE" \
    --build-arg "INDEX_URL=$BENCH_INDEX_URL" --build-arg "VERSION=$version" --build-arg "PROJECT=$APP_REQUIREMENT" \
    --build-arg "NAME=$APP_NAME" --build-arg "DEPS=$APP_DEPS" --build-arg "COMMAND=$APP_NAME" \
    -f "$dockerfile" -t "$ref" "$WORK/peer" || return 1
  echo "### docker push $ref"
  docker push "$ref"
}

# naive_run / multi_run RUN VERSION [--no-cache]: SECS[WHO-RUN-total], PUSHED_*[WHO-RUN].
naive_run() {
  local run="$1"
  shift
  measured "naive-$run" peer_build "$WORK/peer/naive.Dockerfile" "$NAIVE_REPO" "$@"
  SECS[naive-$run-total]="${SECS[naive-$run]}"
}
multi_run() {
  local run="$1"
  shift
  measured "multi-$run" peer_build "$WORK/peer/multistage.Dockerfile" "$MULTI_REPO" "$@"
  SECS[multi-$run-total]="${SECS[multi-$run]}"
}

# run_median N WHO RUN VERSION...: WHO_run N times; SECS[WHO-RUN-*] become the medians of the samples;
# PUSHED_*[WHO-RUN] are the last sample's: the steady state (after a --no-cache cold build, the classic
# builder rebuilds a multi-stage Dockerfile's stages once more on the first cached build; the times show it).
declare -A SAMPLES=()
run_median() {
  local n="$1" who="$2" run="$3" i part parts=(total)
  shift 3
  [[ "$who" == ours ]] && parts=(compile runner total)
  for ((i = 1; i <= n; i++)); do
    "${who}_run" "$run-$i" "$@"
  done
  for part in "${parts[@]}"; do
    local all=()
    for ((i = 1; i <= n; i++)); do
      all+=("${SECS[$who-$run-$i-$part]}")
    done
    SECS[$who-$run-$part]="$(median "${all[@]}")"
    [[ "$part" == total ]] && SAMPLES[$who-$run]="${all[*]}"
  done
  PUSHED_BLOBS[$who-$run]="${PUSHED_BLOBS[$who-$run-$n]}"
  PUSHED_BYTES[$who-$run]="${PUSHED_BYTES[$who-$run-$n]}"
  return 0
}

# What a grocker JSON result says was done: for compile, e.g. "wheels built (1 compiled, 2 from the cache)";
# for runner, e.g. "runner built".
compile_status() {
  jq -r '.manifest.platforms[]?.wheels as $w | .status[] as $s
    | if $s == "reused" then "wheels reused (nothing compiled)"
      else "wheels \($s) (\([$w[] | select(.source == "built")] | length) compiled, \([$w[] | select(.source != "built")] | length) from the cache)" end' \
    "$1" 2>/dev/null | paste -sd, - || true
}
runner_status() {
  jq -r '.images[]?.platforms[]? | "runner \(.status)"' "$1" 2>/dev/null | paste -sd, - || true
}

image_size() { docker image inspect -f '{{.Size}}' "$1"; }

# profile_run NAME COMMAND...: one more run of a grocker command, for where its time goes: the JVM logs each class
# it loads with its uptime (-Xlog:class+load, through GROCKER_JAVA_OPTS), and each output line is stamped when it
# arrives. Writes $LOGS/NAME.classes and $LOGS/NAME.stamps (first line: the start time).
profile_run() {
  local name="$1" line
  shift
  printf '%s start\n' "$EPOCHREALTIME" >"$LOGS/$name.stamps"
  GROCKER_JAVA_OPTS="-Xlog:class+load=info:file=$LOGS/$name.classes:uptime" "$@" 2>&1 | while IFS= read -r line; do
    printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$LOGS/$name.stamps"
  done
  printf '%s end\n' "$EPOCHREALTIME" >>"$LOGS/$name.stamps"
}

# profile_report NAME: a timeline of a profiled run, in seconds from its start: when the JVM first loaded a class of
# each of grocker's parts (the command line, the spec, the engine client, the registry client, the base inspection,
# the SBOM), its last class, how many classes came from the class-data-sharing archive, and when each output line
# (short) arrived.
profile_report() {
  local name="$1" start
  start="$(head -n 1 "$LOGS/$name.stamps" | cut -d' ' -f1)"
  awk -v start="$start" '
    FNR == 1 && NR != 1 { file = 2 }
    file != 2 {
      t = substr($1, 2) + 0; n++
      if ($0 ~ /source: shared objects file/) shared++
      last = t
      if (match($0, /\] io\.jenkins\.plugins\.grocker\.[a-z]+/)) {
        part = substr($0, RSTART + 2, RLENGTH - 2); sub(/io\.jenkins\.plugins\.grocker\./, "", part)
        if (!(part in first)) { first[part] = t; order[++parts] = part }
      }
      if ($0 ~ /InspectBaseStep /) inspect = t
      next
    }
    { if ($2 == "start") next
      line = $0; sub(/^[^ ]+ /, "", line); if (length(line) > 90) line = substr(line, 1, 87) "..."
      lines[++nl] = sprintf("    %6.2fs  %s", $1 - start, line) }
    END {
      printf "    JVM uptime of the first class of each part (the JVM starts about when the run does):\n"
      out = ""
      for (i = 1; i <= parts; i++) out = out sprintf(" %s %.2fs;", order[i], first[order[i]])
      print "     " out
      if (inspect) printf "     base inspection (InspectBaseStep) loaded at %.2fs\n", inspect
      printf "     last class at %.2fs; %d classes loaded, %d of them from the class-data-sharing archive\n", last, n, shared
      printf "    output lines, from the start of the run:\n"
      for (i = 1; i <= nl; i++) print lines[i]
    }' "$LOGS/$name.classes" "$LOGS/$name.stamps"
}

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

mb() { awk -v a="$1" 'BEGIN { printf "%.1f MB", a / 1000000 }'; }
at_most() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { exit !(a <= b * f) }'; }

# pushed WHO-RUN: "N blobs, X MB" newly stored in the registry.
pushed() { printf '%s blobs %s' "${PUSHED_BLOBS[$1]:-?}" "$(mb "${PUSHED_BYTES[$1]:-0}")"; }

# The size of the last layer of the runner of VERSION (its application layer), from the registry.
app_layer_size() {
  local accept='application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json'
  local index manifest digest
  index="$(curl -fsS -H "Accept: application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,$accept" \
    "http://$GROCKER_REGISTRY/v2/bench/$APP_NAME/manifests/$1")" || return 1
  digest="$(jq -r '.manifests[0].digest' <<<"$index")"
  manifest="$(curl -fsS -H "Accept: $accept" "http://$GROCKER_REGISTRY/v2/bench/$APP_NAME/manifests/$digest")" || return 1
  jq -r '.layers[-1].size' <<<"$manifest"
}

# The bytes of the SBOM and provenance attached to the runner of VERSION (their manifests, configs and contents),
# read from the referrers tag (sha256-<digest>) the registry keeps for its linux/amd64 manifest.
attachments_size() {
  local accept='application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
  local repo="http://$GROCKER_REGISTRY/v2/bench/$APP_NAME" index digest referrers total=0 m
  index="$(curl -fsS -H "Accept: application/vnd.oci.image.index.v1+json" "$repo/manifests/$1")" || return 1
  digest="$(jq -r '.manifests[0].digest' <<<"$index")"
  referrers="$(curl -fsS -H "Accept: application/vnd.oci.image.index.v1+json" "$repo/manifests/${digest/:/-}")" || return 1
  total=$((total + ${#referrers}))
  for m in $(jq -r '.manifests[].digest' <<<"$referrers"); do
    total=$((total + $(curl -fsS -H "Accept: $accept" "$repo/manifests/$m" |
      jq '([.config.size] + [.layers[].size] | add) + (tostring | length)')))
  done
  echo "$total"
}

print_results() {
  local run
  printf '\n%-13s %9s %9s %9s %9s %11s %12s %11s\n' run "compile" "runner" "grocker" "% of cold" \
    "grocker app" "multi-stage" "naive"
  for run in cold no-change version-bump; do
    printf '%-13s %8.2fs %8.2fs %8.2fs %9s %11s %11.2fs %10.2fs\n' "$run" \
      "${SECS[ours-$run-compile]}" "${SECS[ours-$run-runner]}" "${SECS[ours-$run-total]}" \
      "$(percent "${SECS[ours-$run-total]}" "${SECS[ours-cold-total]}")" \
      "$([[ -n "${SECS[one-$run-total]:-}" ]] && printf '%.2fs' "${SECS[one-$run-total]}" || echo -)" \
      "${SECS[multi-$run-total]}" "${SECS[naive-$run-total]}"
  done
  echo
  echo "pushed (blobs and bytes newly stored in the registry):"
  for run in cold no-change version-bump; do
    printf '  %-13s grocker %s; grocker app %s; multi-stage %s; naive %s\n' "$run" "$(pushed "ours-$run")" \
      "$([[ -n "${PUSHED_BLOBS[one-$run]:-}" ]] && pushed "one-$run" || echo -)" "$(pushed "multi-$run")" "$(pushed "naive-$run")"
  done
  printf '  grocker application layer (%s): %s; grocker app application layer (%s): %s\n' "$V2" "$(mb "$APP_LAYER_V2")" \
    "$V3" "$(mb "$APP_LAYER_V3")"
  printf '  of the grocker bump, its SBOM and provenance (manifests, configs, contents): %s; the image: %s\n' \
    "$(mb "$ATTACHED_V2")" "$(mb $((PUSHED_BYTES[ours-version-bump] - ATTACHED_V2)))"
  echo
  printf 'no-change runs, total (s): grocker %s; grocker app %s; multi-stage %s; naive %s\n' "${SAMPLES[ours-no-change]}" \
    "${SAMPLES[one-no-change]}" "${SAMPLES[multi-no-change]}" "${SAMPLES[naive-no-change]}"
  for run in cold no-change-1 version-bump; do
    printf 'grocker %-13s %s; %s\n' "${run%-1}:" "$(compile_status "$LOGS/ours-$run-compile.json")" \
      "$(runner_status "$LOGS/ours-$run-runner.json")"
  done
  for run in no-change-1 version-bump; do
    printf 'grocker app %-13s %s; %s\n' "${run%-1}:" "$(compile_status "$LOGS/one-$run-compile.json")" \
      "$(runner_status "$LOGS/one-$run-runner.json")"
  done
  printf 'JVM start-up and exit (grocker --version, median of 3): %.2fs\n' "${SECS[jvm]}"
  echo
  printf 'image size (%s, docker image inspect .Size): grocker runner %s, naive %s, runner/naive %s\n' "$V1" \
    "$(mb "$SIZE_OURS")" "$(mb "$SIZE_NAIVE")" "$(ratio "$SIZE_OURS" "$SIZE_NAIVE")"
  echo
  printf 'target: grocker no-change <= %s%% of cold:         %s (%s)\n' "$(awk -v f="$TARGET_NO_CHANGE" 'BEGIN { print f * 100 }')" \
    "$(yes_no at_most "${SECS[ours-no-change-total]}" "${SECS[ours-cold-total]}" "$TARGET_NO_CHANGE")" \
    "$(percent "${SECS[ours-no-change-total]}" "${SECS[ours-cold-total]}")"
  printf 'target: grocker app no-change <= %s%% of cold:     %s (%s)\n' "$(awk -v f="$TARGET_NO_CHANGE" 'BEGIN { print f * 100 }')" \
    "$(yes_no at_most "${SECS[one-no-change-total]}" "${SECS[ours-cold-total]}" "$TARGET_NO_CHANGE")" \
    "$(percent "${SECS[one-no-change-total]}" "${SECS[ours-cold-total]}")"
  printf 'target: grocker no-change <= 2 x docker cached rebuild (multi-stage): %s (%s x); grocker app: %s (%s x)\n' \
    "$(yes_no at_most "${SECS[ours-no-change-total]}" "${SECS[multi-no-change-total]}" 2)" \
    "$(ratio "${SECS[ours-no-change-total]}" "${SECS[multi-no-change-total]}")" \
    "$(yes_no at_most "${SECS[one-no-change-total]}" "${SECS[multi-no-change-total]}" 2)" \
    "$(ratio "${SECS[one-no-change-total]}" "${SECS[multi-no-change-total]}")"
  local bump
  for bump in ours one; do
    local what="grocker" secs="${SECS[ours-version-bump-total]}"
    [[ "$bump" == one ]] && what="grocker app" secs="${SECS[one-version-bump-total]}"
    printf 'target: %s version bump <= %s%% of cold:   %s (%s)\n' "$what" "$(awk -v f="$TARGET_BUMP" 'BEGIN { print f * 100 }')" \
      "$(yes_no at_most "$secs" "${SECS[ours-cold-total]}" "$TARGET_BUMP")" "$(percent "$secs" "${SECS[ours-cold-total]}")"
    printf 'target: %s version bump <= %s x naive bump: %s (%s)\n' "$what" "$TARGET_BUMP_NAIVE" \
      "$(yes_no at_most "$secs" "${SECS[naive-version-bump-total]}" "$TARGET_BUMP_NAIVE")" "$(ratio "$secs" "${SECS[naive-version-bump-total]}")"
    printf 'target: %s version bump <= multi-stage bump: %s (%s)\n' "$what" \
      "$(yes_no at_most "$secs" "${SECS[multi-version-bump-total]}" 1)" "$(ratio "$secs" "${SECS[multi-version-bump-total]}")"
  done
  printf 'target: bytes pushed on the bump <= %s x the application layer: grocker %s (%s), grocker app %s (%s)\n' \
    "$TARGET_BUMP_BYTES" \
    "$(yes_no at_most "${PUSHED_BYTES[ours-version-bump]}" "$APP_LAYER_V2" "$TARGET_BUMP_BYTES")" \
    "$(ratio "${PUSHED_BYTES[ours-version-bump]}" "$APP_LAYER_V2")" \
    "$(yes_no at_most "${PUSHED_BYTES[one-version-bump]}" "$APP_LAYER_V3" "$TARGET_BUMP_BYTES")" \
    "$(ratio "${PUSHED_BYTES[one-version-bump]}" "$APP_LAYER_V3")"
  printf 'target: runner size <= %s x naive:               %s (%s)\n' "$TARGET_SIZE" \
    "$(yes_no at_most "$SIZE_OURS" "$SIZE_NAIVE" "$TARGET_SIZE")" "$(ratio "$SIZE_OURS" "$SIZE_NAIVE")"
}

main() {
  local docker_version started load_before
  started="$(date -Is)"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  ensure_docker
  ensure_rootfs amd64
  if [[ -z "${BENCH_GROCKER_JAR:-}" ]]; then
    build_cli
  else
    log "cli: measuring $BENCH_GROCKER_JAR (BENCH_GROCKER_JAR; build_cli not run)"
  fi
  command -v jq >/dev/null || die "jq is missing"
  command -v python3 >/dev/null || die "python3 is missing (it serves the package index)"
  start_registry "" "$REGISTRY_STATE"
  REGISTRY_STARTED=1
  PYTHON_BASE="$GROCKER_REGISTRY/bench/python:3.11"
  NAIVE_REPO="$GROCKER_REGISTRY/bench/naive-$APP_NAME"
  MULTI_REPO="$GROCKER_REGISTRY/bench/multistage-$APP_NAME"
  local keep_bases="^$GROCKER_REGISTRY/(debian|bench/python)\$"

  log "bases: debian and the Python base into the fresh registry $GROCKER_REGISTRY"
  run_logged debian grocker_base "$ROOT/examples/debian/debian.yaml"
  run_logged python-base grocker_base "$APP_DIR/base.yaml"
  # Both ways find the Python base locally, so neither time includes pulling it.
  run_logged python-base-pull docker pull "$PYTHON_BASE"
  start_index

  local i jvm=()
  for i in 1 2 3; do
    timed "jvm-$i" "${GROCKER[@]}" --version
    jvm+=("${SECS[jvm-$i]}")
  done
  SECS[jvm]="$(median "${jvm[@]}")"

  log "grocker cold: builder cache pruned, local images of the registry (but the bases) removed, fresh wheel cache"
  remove_registry_images "$keep_bases"
  docker builder prune -af >>"$LOGS/builder-prune.log" 2>&1
  GROCKER_CACHE_DIR="$(mktemp -d "$WORK/wheel-cache.XXXXXX")"
  rm -rf "$WHEELS"
  ours_run cold "$V1"
  local runner_id
  runner_id="$(jq -r '.images[0].platforms[0].imageId // empty' "$LOGS/ours-cold-runner.json")"
  [[ -n "$runner_id" ]] || die "no image id in $LOGS/ours-cold-runner.json"
  SIZE_OURS="$(image_size "$runner_id")"
  log "grocker no-change ($NO_CHANGE_RUNS times)"
  run_median "$NO_CHANGE_RUNS" ours no-change "$V1"
  log "grocker no-change once more, profiled (classes loaded, output lines stamped)"
  profile_run profile-compile grocker_compile "$V1" profile
  profile_run profile-runner grocker_runner "$V1" profile
  log "grocker version bump ($V1 -> $V2)"
  ours_run version-bump "$V2"
  APP_LAYER_V2="$(app_layer_size "$V2")" || die "cannot read the $V2 runner's manifest"
  ATTACHED_V2="$(attachments_size "$V2")" || die "cannot read the $V2 runner's attachments"
  log "grocker app no-change ($NO_CHANGE_RUNS times, $V2)"
  run_median "$NO_CHANGE_RUNS" one no-change "$V2"
  log "grocker app version bump ($V2 -> $V3)"
  one_run version-bump "$V3"
  APP_LAYER_V3="$(app_layer_size "$V3")" || die "cannot read the $V3 runner's manifest"

  mkdir -p "$WORK/peer"
  cp "$APP_DIR/naive.Dockerfile" "$APP_DIR/multistage.Dockerfile" "$WORK/peer/"
  log "multi-stage cold: builder cache pruned, --no-cache"
  docker builder prune -af >>"$LOGS/builder-prune.log" 2>&1
  multi_run cold "$V1" --no-cache
  log "multi-stage no-change ($NO_CHANGE_RUNS times)"
  run_median "$NO_CHANGE_RUNS" multi no-change "$V1"
  log "multi-stage version bump ($V1 -> $V2, --build-arg VERSION)"
  multi_run version-bump "$V2"

  log "naive cold: builder cache pruned, --no-cache"
  docker builder prune -af >>"$LOGS/builder-prune.log" 2>&1
  naive_run cold "$V1" --no-cache
  SIZE_NAIVE="$(image_size "$NAIVE_REPO:$V1")"
  log "naive no-change ($NO_CHANGE_RUNS times)"
  run_median "$NO_CHANGE_RUNS" naive no-change "$V1"
  log "naive version bump ($V1 -> $V2, --build-arg VERSION)"
  naive_run version-bump "$V2"

  docker_version="$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
  echo
  echo "Grocker application benchmark (compile + runner, grocker app, a multi-stage and a naive single-stage Dockerfile)"
  echo "started $started, finished $(date -Is); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
  echo "docker engine $docker_version (classic builder); $(java -version 2>&1 | head -n 1)"
  echo "grocker: ${GROCKER[*]} ($("${GROCKER[@]}" --version 2>/dev/null | head -n 1 || echo '?'))"
  echo "platform: $PLATFORM only (arm64 would run under qemu emulation and dominate the times)"
  echo "registry: a fresh local registry ($GROCKER_REGISTRY); index: $BENCH_INDEX_URL (python3 -m http.server)"
  echo "app ($app): $APP_REQUIREMENT $V1 (cold, no-change) then $V2 (version bump; grocker app: $V2 no-change, $V3 bump); base $PYTHON_BASE"
  echo "wall-clock seconds (no-change: median of $NO_CHANGE_RUNS runs); every run pushes (grocker: runner --push; naive: docker push)"
  print_results
  echo
  echo "where a no-change run's time goes (one more run of each command, profiled; not in the table):"
  echo "  grocker compile:"
  profile_report profile-compile
  echo "  grocker runner --push:"
  profile_report profile-runner
  echo
  echo "repeat with: ${BENCH_GROCKER_JAR:+BENCH_GROCKER_JAR=$BENCH_GROCKER_JAR }$REPEAT"
  echo "logs: $LOGS"
  if [[ -n "$keep" ]]; then
    echo "kept: registry $GROCKER_REGISTRY (storage $REGISTRY_STATE); stop it with:" \
      "bash -c 'source $ROOT/scripts/lib/setup.sh && stop_registry $REGISTRY_STATE'"
  fi
}

main
