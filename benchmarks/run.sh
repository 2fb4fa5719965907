#!/usr/bin/env bash
# Runs a Tandem benchmark: builds what it needs, then measures the contenders one after the other in
# one process on this machine and prints a table of rows/s and ratios (plus a JSON file).
#
#   benchmarks/run.sh sink [--rows 1000000]     Tandem sink vs Debezium JDBC sink (JSON, caching JSON, Avro) vs LOAD DATA
#   benchmarks/run.sh smt [--rows 200000]       source snapshot without vs with OriginTagger + RowFilter
#   benchmarks/run.sh verifier [--rows 1000000] the verifier vs a plain SELECT of all rows on both sides
#   benchmarks/run.sh incremental [--seconds 20 --tables 1,10 --profile DIR]  latency and rate: native replication, one-way, active-active
#   benchmarks/run.sh post-indexing [--rows 1000000]  full migration with indexes created with the table vs after the rows
#   benchmarks/run.sh full-migration [--rows 1000000] Tandem source+sink vs Debezium source+JDBC sink vs mariadb-dump
#   benchmarks/run.sh bridge [--messages 200000 --size 1024]  RocketMQ bridge both ways vs the plain RocketMQ clients
#   benchmarks/run.sh transactions [--transactions 20000 --large-rows 300000]  whole vs batched source transactions
#   benchmarks/run.sh all [--rows 300000 --seconds 15]  every scenario above, then docs/benchmarks.md and its latency plot
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
usage() { # the comment block above, without its '#'
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
  echo "Every option of each scenario is described in benchmarks/README.md."
}
what=${1:-sink}
case "$what" in
  -h|--help|help) usage; exit 0 ;;
  sink|smt|verifier|incremental|post-indexing|full-migration|bridge|transactions|all) ;;
  *) echo "unknown benchmark '$what'" >&2; usage >&2; exit 2 ;;
esac
shift || true
if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client
fi
if [[ "$what" == all ]] && ! fc-list 2>/dev/null | grep -q .; then
  # The latency plot needs a font; a fresh Debian machine may have none.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fontconfig
fi
# Maven 3.8 prints colour resets even in batch mode: strip them.
mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d'

CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/benchmark.classpath")"
case "$what" in
  sink) main=dev.tandem.benchmarks.SinkBenchmark ;;
  smt) main=dev.tandem.benchmarks.SmtBenchmark ;;
  verifier) main=dev.tandem.benchmarks.VerifierBenchmark ;;
  incremental) main=dev.tandem.benchmarks.IncrementalBenchmark ;;
  post-indexing) main=dev.tandem.benchmarks.PostIndexingBenchmark ;;
  full-migration) main=dev.tandem.benchmarks.FullMigrationBenchmark ;;
  bridge) main=dev.tandem.benchmarks.BridgeBenchmark ;;
  transactions) main=dev.tandem.benchmarks.TransactionsBenchmark ;;
  all) main=dev.tandem.benchmarks.AllBenchmarks ;;
esac
exec java -Xmx3g ${BENCH_JAVA_OPTS:-} -Djava.awt.headless=true -cp "$CP" -Dtandem.plugin.path="$ROOT/benchmarks/target/benchmark-plugins" \
  -Dlog4j2.configurationFile="$ROOT/benchmarks/log4j2.properties" "$main" "$@"
