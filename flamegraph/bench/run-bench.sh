#!/usr/bin/env bash
# Throughput of `uniscope collapse` (perf script -> folded) and `uniscope flamegraph`
# (folded -> SVG) on one core, in MiB of input per second, optionally side by side with peer
# commands over the same input in the same run.
#
#   flamegraph/bench/run-bench.sh [--size-mib 128] [--cpu 0] [--rounds 5]
#       [--peer-collapse 'perl stackcollapse-perf.pl'] [--peer-svg 'perl flamegraph.pl']
#
# Peer commands get the input file as their last argument and write to /dev/null; each is timed
# once (wall clock, process start included). Ours is reported twice: in-process steady state
# (median of --rounds after warm-up) and as one command-line run like the peers.
set -euo pipefail

SIZE_MIB=128
CPU=0
ROUNDS=5
PEER_COLLAPSE=""
PEER_SVG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    --cpu) CPU="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --peer-collapse) PEER_COLLAPSE="$2"; shift 2 ;;
    --peer-svg) PEER_SVG="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
WORK="${BENCH_DIR:-$(mktemp -d /tmp/uniscope-flamebench.XXXXXX)}"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c "$CPU"); fi
JVM=(-XX:ActiveProcessorCount=1 -Xms2g -Xmx2g)

(cd "$ROOT" && JAVA_HOME="$JAVA_HOME" mvn -q -o -pl flamegraph test-compile)
CP="$ROOT/flamegraph/target/classes:$ROOT/flamegraph/target/test-classes"

PERF="$WORK/synthetic.perf-script"
FOLDED="$WORK/synthetic.folded"
if [ ! -s "$PERF" ]; then
  "$JAVA" -cp "$CP" dev.uniscope.flamegraph.bench.SyntheticPerfScript "$PERF" "$SIZE_MIB"
fi
perf_mib=$(awk -v b="$(stat -c %s "$PERF")" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "input: $PERF ($perf_mib MiB), pinned to CPU $CPU, JVM ${JVM[*]}"

out=$("${PIN[@]}" "$JAVA" "${JVM[@]}" -cp "$CP" dev.uniscope.flamegraph.bench.FlameBench \
  "$PERF" "$FOLDED" "$ROUNDS" | tee /dev/stderr | grep '^RESULT')
ours_collapse=$(sed -E 's/.*collapse_mib_s=([0-9.]+).*/\1/' <<<"$out")
ours_svg=$(sed -E 's/.*svg_mib_s=([0-9.]+).*/\1/' <<<"$out")
folded_mib=$(sed -E 's/.*folded_mib=([0-9.]+).*/\1/' <<<"$out")
cpu_collapse=$(sed -E 's/.*collapse_cpu_mib_s=([0-9.]+).*/\1/' <<<"$out")
cpu_svg=$(sed -E 's/.*svg_cpu_mib_s=([0-9.]+).*/\1/' <<<"$out")

# One timed process run of a command: prints MiB/s for the given input size.
rate() { # size_mib command...
  local size="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "${PIN[@]}" "$@" > /dev/null
  t1=$(date +%s.%N)
  awk -v s="$size" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", s / (b - a) }'
}

CLI=("$JAVA" "${JVM[@]}" -cp "$CP" dev.uniscope.flamegraph.bench.Cli)
cli_collapse=$(rate "$perf_mib" "${CLI[@]}" collapse "$PERF")
cli_svg=$(rate "$folded_mib" "${CLI[@]}" svg "$FOLDED")

echo
echo "== results (MiB of input per second, one core) =="
printf 'collapse   perf script %6s MiB: ours %7s MiB/s in-process (%s per CPU-second of the process), %7s MiB/s as a process\n' \
  "$perf_mib" "$ours_collapse" "$cpu_collapse" "$cli_collapse"
printf 'flamegraph folded      %6s MiB: ours %7s MiB/s in-process (%s per CPU-second of the process), %7s MiB/s as a process\n' \
  "$folded_mib" "$ours_svg" "$cpu_svg" "$cli_svg"
if [ -n "$PEER_COLLAPSE" ]; then
  # shellcheck disable=SC2206
  peer=($PEER_COLLAPSE)
  p=$(rate "$perf_mib" "${peer[@]}" "$PERF")
  r=$(awk -v a="$cli_collapse" -v b="$p" 'BEGIN { printf "%.2f", a / b }')
  echo "peer collapse '$PEER_COLLAPSE': $p MiB/s; ours/peer (process vs process) = ${r}x"
fi
if [ -n "$PEER_SVG" ]; then
  # shellcheck disable=SC2206
  peer=($PEER_SVG)
  p=$(rate "$folded_mib" "${peer[@]}" "$FOLDED")
  r=$(awk -v a="$cli_svg" -v b="$p" 'BEGIN { printf "%.2f", a / b }')
  echo "peer flamegraph '$PEER_SVG': $p MiB/s; ours/peer (process vs process) = ${r}x"
fi
echo "(inputs kept in $WORK)"
