#!/usr/bin/env bash
# Bulk memory-read benchmark: gdb 13 `dump binary memory` vs the uniscope RSP client (pipelined)
# vs QEMU `pmemsave` through qRcmd into a mapped file, on the same QEMU 7.2 stub and region.
# Usage: gdbstub-client/bench/read-bench.sh [SIZE_MIB] [RUNS]
set -euo pipefail
SIZE_MIB=${1:-16}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
WORK=$(mktemp -d)
QEMU_PID=
cleanup() {
  if [[ -n "$QEMU_PID" ]]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
mvn -q -o -pl gdbstub-client test-compile
mvn -q -o -pl gdbstub-client dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test
CP="$ROOT/gdbstub-client/target/test-classes:$ROOT/gdbstub-client/target/classes:$(cat "$WORK/cp.txt")"

SIZE=$((SIZE_MIB * 1024 * 1024))
ADDR=0x1000000
head -c "$SIZE" /dev/urandom > "$WORK/pattern.bin"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Firmware only, paused at reset (paging off), the random pattern loaded at 16 MiB physical.
timeout 900 qemu-system-x86_64 -machine q35,accel=tcg -cpu max -m 512M -smp 1 -display none \
  -nodefaults -monitor none -serial none -S -gdb "tcp:127.0.0.1:$PORT" \
  -device "loader,file=$WORK/pattern.bin,addr=$ADDR,force-raw=on" &
QEMU_PID=$!

"$JAVA_HOME/bin/java" -cp "$CP" dev.uniscope.gdbstub.bench.ReadBench \
  "127.0.0.1:$PORT" "$ADDR" "$SIZE" "$WORK/pattern.bin" "$WORK" "$RUNS"
