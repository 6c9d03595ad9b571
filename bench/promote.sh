#!/usr/bin/env bash
# bench/promote.sh: promotes a two-platform image of about 110 MB (linux/amd64 + linux/arm64, random-content
# layers, uploaded straight to the registry) to a new repository of the same registry, three ways, in the same run:
#   grocker   bin/grocker promote SRC DST             (blobs mounted, manifests and index put by digest)
#   docker    docker pull + tag + push of both platforms (+ docker manifest create/push for the index)
#   skopeo    skopeo copy --all docker://SRC docker://DST
# Each tool talks to the registry through its own counting TCP proxy (python3, 127.0.0.1, free port), so the
# bytes are measured the same way for all three: bytes sent to the registry (up) and received from it (down).
# With BENCH_RTT_MS and BENCH_LINK_MIBPS the proxy also models a remote registry, the same way for all three:
# every chunk is delayed by half the round trip in each direction, and each direction carries at most that
# many MiB/s (e.g. BENCH_RTT_MS=20 BENCH_LINK_MIBPS=50). BENCH_LAYER_MB=256 makes a 1 GiB image.
# Prints wall time, bytes, and ratios. Targets: grocker <= 0.2 x docker's time, <= 0.3 x skopeo's time, and no layer
# byte through the client (its own count, from `grocker promote`). Missing a target is a result, not an error
# (exit 0); the script exits non-zero only when a step fails. Digests: grocker and skopeo must keep the source
# index digest (checked); docker makes a new index.
#
# Usage: bench/promote.sh
#   BENCH_LAYER_MB=N        size of each layer in MiB (default 28; 2 layers per platform)
#   BENCH_RTT_MS=N          round trip the proxy adds, in ms (default 0: loopback)
#   BENCH_LINK_MIBPS=N      bandwidth of each direction of the link, in MiB/s (default 0: no limit)
#   BENCH_GROCKER_JAR=FILE  measure this jar (java -jar FILE) instead of bin/grocker, without building it
# Starts its own registry (docker-registry on a free port) and removes it, its storage and the local docker
# images it pulled at the end. Needs root or a user that may use the Docker engine.
set -euo pipefail

BENCH_DIR="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$BENCH_DIR/.." && pwd)"
LAYER_MB="${BENCH_LAYER_MB:-28}"
RTT_MS="${BENCH_RTT_MS:-0}"
LINK_MIBPS="${BENCH_LINK_MIBPS:-0}"
case "${1:-}" in
  -h | --help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  "") ;;
  *)
    echo "bench/promote.sh: unknown argument '$1' (try --help)" >&2
    exit 2
    ;;
esac
[[ "$LAYER_MB" =~ ^[0-9]+$ ]] && ((LAYER_MB > 0)) || {
  echo "bench/promote.sh: BENCH_LAYER_MB must be a positive number, not '$LAYER_MB'" >&2
  exit 2
}
[[ "$RTT_MS" =~ ^[0-9]+$ ]] || {
  echo "bench/promote.sh: BENCH_RTT_MS must be a whole number of milliseconds, not '$RTT_MS'" >&2
  exit 2
}
[[ "$LINK_MIBPS" =~ ^[0-9]+$ ]] || {
  echo "bench/promote.sh: BENCH_LINK_MIBPS must be a whole number of MiB/s (0: no limit), not '$LINK_MIBPS'" >&2
  exit 2
}

# shellcheck source=SCRIPTDIR/../scripts/lib/setup.sh
source "$ROOT/scripts/lib/setup.sh"

GROCKER=("$ROOT/bin/grocker")
if [[ -n "${BENCH_GROCKER_JAR:-}" ]]; then
  [[ -f "$BENCH_GROCKER_JAR" ]] || die "BENCH_GROCKER_JAR=$BENCH_GROCKER_JAR is not a file"
  GROCKER=("${JAVA:-java}" -jar "$BENCH_GROCKER_JAR")
fi

WORK="$(mktemp -d /tmp/grocker-bench-promote.XXXXXX)"
REGISTRY_STATE="$WORK/registry"
REGISTRY_STARTED=""
PROXY_PID=""
DOCKER_REFS=()

cleanup() {
  local rc=$?
  trap - EXIT
  [[ -z "$PROXY_PID" ]] || kill "$PROXY_PID" 2>/dev/null || true
  if ((${#DOCKER_REFS[@]})); then
    docker rmi -f "${DOCKER_REFS[@]}" >/dev/null 2>&1 || true
  fi
  if [[ -n "$REGISTRY_STARTED" ]]; then
    (stop_registry "$REGISTRY_STATE") || true
  fi
  if ((rc == 0)); then
    rm -rf "$WORK"
  else
    printf 'bench/promote.sh: failed (exit %s); logs in %s\n' "$rc" "$WORK" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages docker-registry skopeo curl python3 bc
ensure_docker
[[ -n "${BENCH_GROCKER_JAR:-}" ]] || build_cli

start_registry "" "$REGISTRY_STATE"
REGISTRY_STARTED=1
REGISTRY="$GROCKER_REGISTRY"
REGISTRY_PORT="${REGISTRY##*:}"

# --- the counting proxy ---------------------------------------------------------------------------------
cat >"$WORK/proxy.py" <<'PY'
# A counting TCP proxy; with RTT_MS and MIBPS it also models a remote link: every chunk reaches the other side
# RTT_MS/2 after it arrived, and each direction of the link (shared by all connections, as one network path is)
# carries at most MIBPS MiB/s. Threads: one reader and one writer per direction of each connection.
import collections, signal, socket, sys, threading, time
listen_port, upstream_port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
one_way = float(sys.argv[4]) / 2000.0 if len(sys.argv) > 4 else 0.0
rate = float(sys.argv[5]) * 1048576.0 if len(sys.argv) > 5 else 0.0
totals = {"up": 0, "down": 0}
link_free = {"up": 0.0, "down": 0.0}
lock = threading.Lock()
def shut(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def pump(src, dst, key):
    queue, ready = collections.deque(), threading.Condition()
    def write():
        while True:
            with ready:
                while not queue:
                    ready.wait()
                due, data = queue.popleft()
            if data is None:
                break
            with lock:
                start = max(due, link_free[key])
                if rate:
                    link_free[key] = start + len(data) / rate
                    start = link_free[key]
            pause = start - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                dst.sendall(data)
            except OSError:
                break
        shut(src, dst)
    threading.Thread(target=write, daemon=True).start()
    try:
        while True:
            data = src.recv(65536)
            with ready:
                queue.append((time.monotonic() + one_way, data or None))
                ready.notify()
            if not data:
                break
            with lock:
                totals[key] += len(data)
    except OSError:
        with ready:
            queue.append((0, None))
            ready.notify()
def serve(client):
    try:
        upstream = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, upstream, "up"), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, "down"), daemon=True).start()
def stop(*_):
    with lock:
        with open(out, "w") as f:
            f.write("%d %d\n" % (totals["up"], totals["down"]))
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(128)
open(out + ".ready", "w").close()
while True:
    conn, _ = server.accept()
    serve(conn)
PY

# start_proxy NAME: a counting proxy in front of the registry; sets PROXY (host:port).
start_proxy() {
  local name="$1" port i
  port="$(_free_port)" || die "no free port for the proxy"
  python3 "$WORK/proxy.py" "$port" "$REGISTRY_PORT" "$WORK/$name.bytes" "$RTT_MS" "$LINK_MIBPS" 2>"$WORK/$name.proxy.log" &
  PROXY_PID=$!
  for ((i = 0; i < 100; i++)); do
    [[ -f "$WORK/$name.bytes.ready" ]] && break
    sleep 0.05
  done
  [[ -f "$WORK/$name.bytes.ready" ]] || die "the counting proxy did not start ($WORK/$name.proxy.log)"
  PROXY="127.0.0.1:$port"
}

# stop_proxy NAME: prints "UP DOWN" bytes.
stop_proxy() {
  local name="$1" i
  kill -TERM "$PROXY_PID"
  wait "$PROXY_PID" 2>/dev/null || true
  PROXY_PID=""
  for ((i = 0; i < 50; i++)); do
    [[ -s "$WORK/$name.bytes" ]] && break
    sleep 0.05
  done
  cat "$WORK/$name.bytes"
}

# --- the source image: config + 2 random layers per platform, an OCI index, uploaded with curl -----------------
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

upload_blob() { # FILE: POST a session, PUT the whole file with its digest
  local file="$1" digest location
  digest="sha256:$(sha "$file")"
  if curl -fsS -o /dev/null -I "http://$REGISTRY/v2/bench/src/blobs/$digest" 2>/dev/null; then
    return 0
  fi
  location="$(curl -fsS -o /dev/null -D - -X POST "http://$REGISTRY/v2/bench/src/blobs/uploads/" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "location" { print $2 }')"
  [[ -n "$location" ]] || die "the registry opened no upload session"
  [[ "$location" == http* ]] || location="http://$REGISTRY$location"
  [[ "$location" == *\?* ]] && location="$location&digest=$digest" || location="$location?digest=$digest"
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$location" ||
    die "uploading $file failed"
}

put_manifest() { # MEDIA_TYPE FILE REFERENCE
  curl -fsS -o /dev/null -X PUT -H "Content-Type: $1" --data-binary "@$2" "http://$REGISTRY/v2/bench/src/manifests/$3" ||
    die "putting manifest $3 failed"
}

log "image: making 2 platforms x 2 layers x $LAYER_MB MiB of random content"
LAYER_BYTES=0
INDEX_ENTRIES=""
declare -A PLATFORM_DIGEST
for arch in amd64 arm64; do
  layers="" diff_ids=""
  for n in 1 2; do
    mkdir -p "$WORK/img/$arch-$n"
    head -c "$((LAYER_MB * 1024 * 1024))" /dev/urandom >"$WORK/img/$arch-$n/data-$arch-$n.bin"
    tar -C "$WORK/img/$arch-$n" -cf "$WORK/img/$arch-$n.tar" "data-$arch-$n.bin"
    gzip -1 -c "$WORK/img/$arch-$n.tar" >"$WORK/img/$arch-$n.tar.gz"
    rm -rf "$WORK/img/$arch-$n"
    upload_blob "$WORK/img/$arch-$n.tar.gz"
    LAYER_BYTES=$((LAYER_BYTES + $(size "$WORK/img/$arch-$n.tar.gz")))
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$(sha "$WORK/img/$arch-$n.tar.gz")\",\"size\":$(size "$WORK/img/$arch-$n.tar.gz")}"
    diff_ids+="${diff_ids:+,}\"sha256:$(sha "$WORK/img/$arch-$n.tar")\""
    rm -f "$WORK/img/$arch-$n.tar" "$WORK/img/$arch-$n.tar.gz"
  done
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/data-%s-1.bin"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$arch" "$arch" "$diff_ids" >"$WORK/img/config-$arch.json"
  upload_blob "$WORK/img/config-$arch.json"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$(sha "$WORK/img/config-$arch.json")" "$(size "$WORK/img/config-$arch.json")" "$layers" >"$WORK/img/manifest-$arch.json"
  PLATFORM_DIGEST[$arch]="sha256:$(sha "$WORK/img/manifest-$arch.json")"
  put_manifest application/vnd.oci.image.manifest.v1+json "$WORK/img/manifest-$arch.json" "${PLATFORM_DIGEST[$arch]}"
  INDEX_ENTRIES+="${INDEX_ENTRIES:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"${PLATFORM_DIGEST[$arch]}\",\"size\":$(size "$WORK/img/manifest-$arch.json"),\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
done
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$INDEX_ENTRIES" >"$WORK/img/index.json"
SOURCE_DIGEST="sha256:$(sha "$WORK/img/index.json")"
put_manifest application/vnd.oci.image.index.v1+json "$WORK/img/index.json" 1.0
log "image: $REGISTRY/bench/src:1.0 $SOURCE_DIGEST, $((LAYER_BYTES / 1024 / 1024)) MiB of layers"

index_digest() { # REPO TAG: the digest the registry has for it, or "none"
  curl -fsS -o /dev/null -D - -I -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://$REGISTRY/v2/$1/manifests/$2" 2>/dev/null | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' || true
}

now() { date +%s.%N; }
declare -A SECS UP DOWN

# --- grocker ---------------------------------------------------------------------------------------------
# JVM start-up and exit alone: grocker --version, 3 times, the median
VERSION_SECS=()
for _ in 1 2 3; do
  t0="$(now)"
  "${GROCKER[@]}" --version >/dev/null
  VERSION_SECS+=("$(echo "$(now) - $t0" | bc)")
done
SECS[version]="$(printf '%s\n' "${VERSION_SECS[@]}" | sort -g | sed -n 2p)"
start_proxy grocker
t0="$(now)"
"${GROCKER[@]}" promote "$PROXY/bench/src:1.0" "$PROXY/bench/grocker:1.0" --audit "$WORK/audit.json" >"$WORK/grocker.log" 2>&1 ||
  die "grocker promote failed: $(tail -n 3 "$WORK/grocker.log")"
SECS[grocker]="$(echo "$(now) - $t0" | bc)"
read -r UP[grocker] DOWN[grocker] < <(stop_proxy grocker)
GROCKER_CLIENT_BYTES="$(sed -n 's/.* \([0-9]*\) bytes through the client.*/\1/p' "$WORK/grocker.log")"
[[ "$(index_digest bench/grocker 1.0)" == "$SOURCE_DIGEST" ]] || die "grocker's copy has another digest than the source"
log "grocker: $(grep -E 'mounted|promoted' "$WORK/grocker.log" | tail -n 1)"

# --- docker ----------------------------------------------------------------------------------------------
start_proxy docker
t0="$(now)"
for arch in amd64 arm64; do
  src="$PROXY/bench/src@${PLATFORM_DIGEST[$arch]}"
  dst="$PROXY/bench/docker:1.0-$arch"
  DOCKER_REFS+=("$src" "$dst")
  docker pull -q "$src" >>"$WORK/docker.log" 2>&1 || die "docker pull $src failed: $(tail -n 3 "$WORK/docker.log")"
  docker tag "$src" "$dst"
  docker push -q "$dst" >>"$WORK/docker.log" 2>&1 || docker push "$dst" >>"$WORK/docker.log" 2>&1 ||
    die "docker push $dst failed: $(tail -n 3 "$WORK/docker.log")"
done
DOCKER_INDEX="no index (docker manifest failed; see $WORK/docker.log)"
if docker manifest create --insecure "$PROXY/bench/docker:1.0" "$PROXY/bench/docker:1.0-amd64" "$PROXY/bench/docker:1.0-arm64" \
  >>"$WORK/docker.log" 2>&1 && docker manifest push --insecure --purge "$PROXY/bench/docker:1.0" >>"$WORK/docker.log" 2>&1; then
  DOCKER_INDEX="a new index $(index_digest bench/docker 1.0)"
fi
SECS[docker]="$(echo "$(now) - $t0" | bc)"
read -r UP[docker] DOWN[docker] < <(stop_proxy docker)

# --- skopeo ----------------------------------------------------------------------------------------------
start_proxy skopeo
t0="$(now)"
skopeo copy --all --src-tls-verify=false --dest-tls-verify=false \
  "docker://$PROXY/bench/src:1.0" "docker://$PROXY/bench/skopeo:1.0" >"$WORK/skopeo.log" 2>&1 ||
  die "skopeo copy failed: $(tail -n 3 "$WORK/skopeo.log")"
SECS[skopeo]="$(echo "$(now) - $t0" | bc)"
read -r UP[skopeo] DOWN[skopeo] < <(stop_proxy skopeo)
SKOPEO_DIGEST="$(index_digest bench/skopeo 1.0)"

# --- results ---------------------------------------------------------------------------------------------
mib() { printf '%.3f' "$(echo "scale=6; $1 / 1048576" | bc)"; }
ratio() { echo "scale=3; $1 / $2" | bc; }
echo
printf 'promote %s MiB, 2 platforms, within one registry (%s), link: %s\n' "$(mib "$LAYER_BYTES")" "$REGISTRY" \
  "$( ((RTT_MS || LINK_MIBPS)) && echo "modelled, ${RTT_MS} ms round trip, ${LINK_MIBPS:-0} MiB/s each way (0: no limit)" || echo loopback)"
printf '%-8s %9s %12s %12s %12s %9s\n' tool wall-s up-MiB down-MiB total-MiB time/ours
for tool in grocker docker skopeo; do
  printf '%-8s %9.2f %12s %12s %12s %9s\n' "$tool" "${SECS[$tool]}" "$(mib "${UP[$tool]}")" "$(mib "${DOWN[$tool]}")" \
    "$(mib $((UP[$tool] + DOWN[$tool])))" "$(ratio "${SECS[$tool]}" "${SECS[grocker]}")"
done
echo
echo "grocker: index digest kept ($SOURCE_DIGEST); blob bytes through the client (its own count): ${GROCKER_CLIENT_BYTES:-?}"
echo "grocker: $(sed -n 's/^promoted .* in \([0-9.]*s\):.*/\1/p' "$WORK/grocker.log") of registry work inside the JVM; the rest of its wall time is JVM start and class loading"
printf 'grocker: --version (JVM start and exit alone, median of 3) %.2fs\n' "${SECS[version]}"
echo "skopeo:  index digest $([[ "$SKOPEO_DIGEST" == "$SOURCE_DIGEST" ]] && echo kept || echo "changed to $SKOPEO_DIGEST")"
echo "docker:  $DOCKER_INDEX"
check() { # NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then echo "target met:    $name"; else echo "target missed: $name"; fi
}
check "grocker <= 0.2 x docker ($(ratio "${SECS[grocker]}" "${SECS[docker]}") x)" \
  test "$(echo "${SECS[grocker]} <= 0.2 * ${SECS[docker]}" | bc)" = 1
check "grocker <= 0.3 x skopeo ($(ratio "${SECS[grocker]}" "${SECS[skopeo]}") x)" test "$(echo "${SECS[grocker]} <= 0.3 * ${SECS[skopeo]}" | bc)" = 1
check "no layer byte through grocker within one registry (${GROCKER_CLIENT_BYTES:-?} bytes)" test "${GROCKER_CLIENT_BYTES:-x}" = 0
