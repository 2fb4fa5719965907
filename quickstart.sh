#!/usr/bin/env bash
# Tandem quickstart: builds the plugin zips, then runs what a user runs - a Kafka broker in KRaft
# mode (kafka.Kafka), a Kafka Connect worker (ConnectDistributed) with our plugins on plugin.path,
# and a MariaDB server - as real processes, and drives them through the Connect REST API.
#
#   ./quickstart.sh          run the demo, then stop everything it started
#   ./quickstart.sh --keep   leave the servers running (ports below) until you press Enter
#
# Ports can be changed with KAFKA_PORT, CONTROLLER_PORT, CONNECT_PORT and DB_PORT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
WORK=${TANDEM_QUICKSTART_DIR:-$ROOT/.quickstart}
KAFKA_PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=${CONTROLLER_PORT:-19093}
CONNECT_PORT=${CONNECT_PORT:-18083}
DB_PORT=${DB_PORT:-13306}
KEEP=false
[[ "${1:-}" == "--keep" ]] && KEEP=true

CONNECT_URL="http://127.0.0.1:$CONNECT_PORT"
PIDS=()

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

stop_all() {
  local status=$?
  if [[ ${#PIDS[@]} -gt 0 ]]; then
    step "Stopping the processes the quickstart started"
    # Connect first, then Kafka, then MariaDB: the reverse of the start order.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      kill "${PIDS[$i]}" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.2; done
      kill -9 "${PIDS[$i]}" 2>/dev/null || true
    done
  fi
  if [[ $status -ne 0 ]]; then
    echo "The quickstart failed (exit $status). Logs are in $WORK/logs." >&2
  fi
}
trap stop_all EXIT

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "Timed out after ${seconds}s waiting for $what" >&2
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_mariadb() {
  if command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]]; then return; fi
  step "Installing MariaDB from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client
}

build() {
  step "Building the plugin zips (mvn package, tests skipped here; run them with 'mvn verify')"
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package)
  rm -rf "$WORK" && mkdir -p "$WORK/plugins" "$WORK/logs"
  for zip in "$ROOT"/*/target/*-plugin.zip; do
    unzip -q -o "$zip" -d "$WORK/plugins"
  done
  CLASSPATH_FILE="$ROOT/quickstart/target/runtime.classpath"
  JAVA_CP=$(cat "$CLASSPATH_FILE")
  LOG4J="-Dlog4j2.configurationFile=$ROOT/quickstart/conf/log4j2.properties"
}

start_kafka() {
  step "Starting a Kafka broker in KRaft mode on 127.0.0.1:$KAFKA_PORT"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" -e "s#@DATA@#$WORK/kafka-data#g" \
    "$ROOT/quickstart/conf/kraft-server.properties" >"$WORK/kraft-server.properties"
  local cluster_id
  cluster_id=$(java -cp "$JAVA_CP" $LOG4J kafka.tools.StorageTool random-uuid)
  java -cp "$JAVA_CP" $LOG4J kafka.tools.StorageTool format --standalone -t "$cluster_id" \
    -c "$WORK/kraft-server.properties" >"$WORK/logs/kafka-format.log"
  java -Xmx512m -cp "$JAVA_CP" $LOG4J kafka.Kafka "$WORK/kraft-server.properties" >"$WORK/logs/kafka.log" 2>&1 &
  PIDS+=($!)
  wait_for "the Kafka broker" 60 port_open "$KAFKA_PORT"
}

start_mariadb() {
  step "Starting MariaDB on 127.0.0.1:$DB_PORT (binlog ROW, FULL row image)"
  mkdir -p "$WORK/mariadb"
  sed -e "s#@PORT@#$DB_PORT#g" -e "s#@HOME@#$WORK/mariadb#g" -e "s#@INIT@#$ROOT/quickstart/conf/mariadb-init.sql#g" \
    "$ROOT/quickstart/conf/mariadb.cnf" >"$WORK/mariadb/my.cnf"
  mariadb-install-db --defaults-file="$WORK/mariadb/my.cnf" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$WORK/logs/mariadb-install.log" 2>&1
  local mariadbd
  mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$mariadbd" --defaults-file="$WORK/mariadb/my.cnf" >"$WORK/logs/mariadb.log" 2>&1 &
  PIDS+=($!)
  wait_for "MariaDB" 60 sql "SELECT 1"
}

sql() { mariadb --protocol=TCP -h 127.0.0.1 -P "$DB_PORT" -u tandem -ptandem-secret --batch --skip-column-names -e "$1"; }

start_connect() {
  step "Starting a Kafka Connect worker on $CONNECT_URL with plugin.path=$WORK/plugins"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONNECT_PORT@#$CONNECT_PORT#g" -e "s#@PLUGINS@#$WORK/plugins#g" \
    "$ROOT/quickstart/conf/connect-distributed.properties" >"$WORK/connect-distributed.properties"
  # The config examples name hosts, ports and credentials as ${env:...}; the worker resolves them.
  DB_HOST=127.0.0.1 DB_PORT=$DB_PORT DB_USER=tandem DB_PASSWORD=tandem-secret KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT \
    java -Xmx768m -cp "$JAVA_CP" $LOG4J org.apache.kafka.connect.cli.ConnectDistributed \
    "$WORK/connect-distributed.properties" >"$WORK/logs/connect.log" 2>&1 &
  PIDS+=($!)
  wait_for "the Connect REST API" 120 curl -sf "$CONNECT_URL/connectors"
}

show_plugins() {
  step "Plugins the worker loaded from plugin.path (GET /connector-plugins)"
  curl -sf "$CONNECT_URL/connector-plugins?connectorsOnly=false" \
    | tr '{' '\n' | grep -o '"class":"dev\.tandem[^"]*","type":"[^"]*"' \
    | sed -e 's/"class":"\([^"]*\)","type":"\([^"]*\)"/  \2\t\1/'
}

ensure_mariadb
build
start_kafka
start_mariadb
start_connect
show_plugins

if $KEEP; then
  step "Running: Kafka 127.0.0.1:$KAFKA_PORT, Connect $CONNECT_URL, MariaDB 127.0.0.1:$DB_PORT (user tandem). Press Enter to stop."
  read -r _
fi
