#!/bin/sh
# Decoder benchmark: throughput on one core and bytes resident per event.
# Usage: trace-ingest/bench/run.sh [EVENTS=10000000] [ROUNDS=5] [all|fixed]
#   all: every core event (strings, stacks up to 64 frames); fixed: fixed-size events only
# Pinned to one CPU with taskset and the serial GC, so "one core" is literal.
set -e
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
EVENTS=${1:-10000000}
ROUNDS=${2:-5}
MIX=${3:-all}
mvn -q -o -pl trace-ingest test-compile
mvn -q -o -pl trace-ingest dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="trace-ingest/target/test-classes:trace-ingest/target/classes:$(cat trace-ingest/target/bench.cp)"
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
exec $PIN "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xms3g -Xmx3g -cp "$CP" \
  dev.uniscope.trace.bench.DecoderBench "$EVENTS" "${TMPDIR:-/tmp}/uniscope-bench-$$.ucap" "$ROUNDS" "$MIX"
