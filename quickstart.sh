#!/usr/bin/env bash
# Tandem quickstart: builds the plugin zips, then runs what a user runs - a Kafka broker in KRaft
# mode (kafka.Kafka), a Kafka Connect worker (ConnectDistributed) with our plugins on plugin.path,
# and a MariaDB server - as real processes, and drives them through the Connect REST API: the
# source connector is started from config-examples/ and the change records it writes are shown, then
# the sink connector applies them to a second database.
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

ensure_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server mariadb-client)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)   # prints the change records readably
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  if [[ ${#missing[@]} -eq 0 ]]; then return; fi
  step "Installing ${missing[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
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
  SOURCE_DB_HOST=127.0.0.1 SOURCE_DB_PORT=$DB_PORT SOURCE_DB_USER=tandem SOURCE_DB_PASSWORD=tandem-secret \
    KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT \
    DEST_DB_HOST=127.0.0.1 DEST_DB_PORT=$DB_PORT DEST_DB_USER=tandem DEST_DB_PASSWORD=tandem-secret \
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

connector_state() {
  curl -sf "$CONNECT_URL/connectors/$1/status" | grep -o '"state":"[A-Z]*"' | sed 's/"state":"\([A-Z]*\)"/\1/' | sort -u | tr '\n' ' '
}

show_changes() { # topic, count
  java -cp "$JAVA_CP" $LOG4J org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --topic "$1" --from-beginning --max-messages "$2" --timeout-ms 60000 --property print.key=true 2>/dev/null \
    | python3 -c '
import base64, decimal, json, sys
def decode(schema, row):
    # Decimal columns travel as base64 two-complement bytes with a scale (Connect Decimal)
    for f in schema["fields"]:
        if f.get("name") == "org.apache.kafka.connect.data.Decimal" and row.get(f["field"]) is not None:
            unscaled = int.from_bytes(base64.b64decode(row[f["field"]]), "big", signed=True)
            row[f["field"]] = str(decimal.Decimal(unscaled).scaleb(-int(f["parameters"]["scale"])))
    return row
for line in sys.stdin:
    key, _, value = line.rstrip("\n").partition("\t")
    if value in ("", "null"):
        print("  tombstone  key=" + json.dumps(json.loads(key)["payload"]))
        continue
    message = json.loads(value)
    v = message["payload"]
    part = "after" if v["after"] is not None else "before"
    schema = next(f for f in message["schema"]["fields"] if f["field"] == part)
    print("  op=%s  %s  tx=%s" % (v["op"], json.dumps(decode(schema, v[part])), (v.get("transaction") or {}).get("id")))
'
}

capture_demo() {
  step "Creating database shop with table orders on MariaDB"
  sql "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, customer VARCHAR(40), amount DECIMAL(10,2));
       INSERT INTO shop.orders VALUES (1, 'ada', 12.50), (2, 'grace', 99.00), (3, 'linus', 7.25);"
  step "Starting the source connector: POST /connectors with config-examples/mariadb-to-kafka.json"
  curl -sf -X POST -H 'Content-Type: application/json' --data @"$ROOT/config-examples/mariadb-to-kafka.json" \
    "$CONNECT_URL/connectors" >/dev/null
  wait_for "the source connector to run" 60 bash -c "curl -sf $CONNECT_URL/connectors/shop-to-kafka/status | grep -q '\"tasks\":\[{\"id\":0,\"state\":\"RUNNING\"'"
  echo "  shop-to-kafka: $(connector_state shop-to-kafka)"
  step "Changing rows on MariaDB: one update, one insert, one delete (each its own transaction)"
  sql "UPDATE shop.orders SET amount = 15.00 WHERE id = 1; INSERT INTO shop.orders VALUES (4, 'barbara', 3.10);
       DELETE FROM shop.orders WHERE id = 3;"
  step "The change records in topic shop.shop.orders (3 snapshot reads, then the binlog)"
  show_changes shop.shop.orders 7
}

apply_demo() {
  step "Starting the sink connector: POST /connectors with config-examples/kafka-to-mariadb.json (into database shop_copy)"
  curl -sf -X POST -H 'Content-Type: application/json' --data @"$ROOT/config-examples/kafka-to-mariadb.json" \
    "$CONNECT_URL/connectors" >/dev/null
  wait_for "shop_copy.orders to equal shop.orders" 90 bash -c "[[ \"\$(mariadb --protocol=TCP -h 127.0.0.1 -P $DB_PORT \
    -u tandem -ptandem-secret -N -e 'SELECT id, customer, amount FROM shop.orders ORDER BY id')\" == \
    \"\$(mariadb --protocol=TCP -h 127.0.0.1 -P $DB_PORT -u tandem -ptandem-secret -N \
    -e 'SELECT id, customer, amount FROM shop_copy.orders ORDER BY id' 2>/dev/null)\" ]]"
  echo "  shop_copy.orders (created by the sink, applied exactly once):"
  sql "SELECT * FROM shop_copy.orders ORDER BY id" | sed 's/^/    /'
  echo "  the sink's checkpoint (the exactly-once position and loop marker):"
  sql "SELECT connector, topic, kafka_partition, origin, kafka_offset FROM tandem.tandem_checkpoint" | sed 's/^/    /'
}

ensure_packages
build
start_kafka
start_mariadb
start_connect
show_plugins
capture_demo
apply_demo

if $KEEP; then
  step "Running: Kafka 127.0.0.1:$KAFKA_PORT, Connect $CONNECT_URL, MariaDB 127.0.0.1:$DB_PORT (user tandem). Press Enter to stop."
  read -r _
fi
