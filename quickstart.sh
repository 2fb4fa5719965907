#!/usr/bin/env bash
# Tandem quickstart: active-active between two regions. Builds the plugin zips, then runs what a
# user runs - a Kafka broker in KRaft mode (kafka.Kafka), a Kafka Connect worker (ConnectDistributed)
# with our plugins on plugin.path, and two MariaDB servers, regions "east" and "west" - as real
# processes, and creates the project through Tandem's status API on the worker (POST
# /tandem/v1/projects with config-examples/projects/shop-active-active.json): the forward link
# (east -> west: schema, full, incremental), then, once its schema step is done, the reverse link
# (west -> east: incremental). Writers change both regions at once; the quickstart shows progress
# and delay from the status API, then
# verifies that both regions hold the same rows and that no change came back to where it was made.
#
# It needs root (it installs MariaDB, python3, curl, jq and unzip with apt-get when they are missing),
# Java 17 and Maven, and five free ports; the first run takes 3-5 minutes, most of it the build.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./quickstart.sh [--duration SECONDS] [--rate STATEMENTS_PER_SECOND] [--conflicts] [--keep]

Runs Tandem's active-active demo between two MariaDB regions (east and west) on this machine:
Kafka in KRaft mode, a Kafka Connect worker with the plugins on plugin.path, two mariadbd servers,
the project shop created through the status API (POST /tandem/v1/projects), a writer in each
region, then verification. With --keep, the console stays up at /tandem/ui/ on the Connect worker.

  --duration SECONDS   how long the writers run (default 30)
  --rate N             statements per second of each writer (default 20)
  --conflicts          both writers also update the same 20 accounts: the sinks resolve the conflicts
                       (last-writer-wins on updated_at) and the verification counts them
  --keep               leave everything running at the end until you press Enter
  -h, --help           print this and exit

Ports: KAFKA_PORT (19092), CONTROLLER_PORT (19093), CONNECT_PORT (18083), EAST_PORT (13306),
WEST_PORT (13307). Needs root for apt-get when MariaDB, python3, curl, jq or unzip are missing.
Logs: .quickstart/logs.
USAGE
}

refuse() { # message: a bad command line, refused before anything is built or started
  echo "quickstart: $1" >&2
  echo >&2
  usage >&2
  exit 2
}

positive_integer() { # option, value
  [[ $# -ge 2 && -n "$2" && "$2" != -* ]] || refuse "$1 needs a value"
  [[ "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || refuse "$1 must be a whole number above 0, not '$2'"
}

ROOT=$(cd "$(dirname "$0")" && pwd)
WORK=${TANDEM_QUICKSTART_DIR:-$ROOT/.quickstart}
KAFKA_PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=${CONTROLLER_PORT:-19093}
CONNECT_PORT=${CONNECT_PORT:-18083}
EAST_PORT=${EAST_PORT:-13306}
WEST_PORT=${WEST_PORT:-13307}
KEEP=false
SHARED=0
DURATION=30
RATE=20
SEEDED=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --keep) KEEP=true ;;
    --conflicts) SHARED=20 ;;
    --duration) positive_integer "$@"; DURATION=$2; shift ;;
    --rate) positive_integer "$@"; RATE=$2; shift ;;
    *) refuse "unknown option '$1'" ;;
  esac
  shift
done
for port in KAFKA_PORT CONTROLLER_PORT CONNECT_PORT EAST_PORT WEST_PORT; do
  [[ "${!port}" =~ ^[0-9]+$ && "${!port}" -gt 0 && "${!port}" -lt 65536 ]] || refuse "$port must be a TCP port, not '${!port}'"
done

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
  if [[ $status -eq 130 ]]; then
    echo "Stopped by Ctrl-C. Logs are in $WORK/logs." >&2
  elif [[ $status -ne 0 ]]; then
    echo "The quickstart failed (exit $status). Logs are in $WORK/logs." >&2
  fi
}
trap stop_all EXIT
# Ctrl-C: the EXIT trap stops what was started; the writers exit quietly on their own. (Bash drops a
# SIGINT that a foreground child such as the mariadb client handled itself: the writers' mark covers that.)
trap 'exit 130' INT TERM

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
  command -v jq >/dev/null 2>&1 || missing+=(jq)       # the config examples' REST calls, as documented
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  if [[ ${#missing[@]} -eq 0 ]]; then return; fi
  step "Installing ${missing[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

build() {
  step "Building the plugin zips (mvn package, tests skipped here; run them with 'mvn verify')"
  # Maven 3.8 prints colour resets even in batch mode: strip them.
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d')
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
  cluster_id=$(java -cp "$JAVA_CP" $LOG4J kafka.tools.StorageTool random-uuid 2>/dev/null)
  java -cp "$JAVA_CP" $LOG4J kafka.tools.StorageTool format --standalone -t "$cluster_id" \
    -c "$WORK/kraft-server.properties" >"$WORK/logs/kafka-format.log" 2>&1
  java -Xmx512m -cp "$JAVA_CP" $LOG4J kafka.Kafka "$WORK/kraft-server.properties" >"$WORK/logs/kafka.log" 2>&1 &
  PIDS+=($!)
  wait_for "the Kafka broker" 60 port_open "$KAFKA_PORT"
}

start_mariadb() { # region, port, server id
  local region=$1 port=$2 id=$3
  step "Starting MariaDB for region $region on 127.0.0.1:$port (binlog ROW, FULL row image, server_id $id)"
  mkdir -p "$WORK/$region"
  sed -e "s#@PORT@#$port#g" -e "s#@HOME@#$WORK/$region#g" -e "s#@INIT@#$ROOT/quickstart/conf/mariadb-init.sql#g" \
    -e "s#@SERVER_ID@#$id#g" "$ROOT/quickstart/conf/mariadb.cnf" >"$WORK/$region/my.cnf"
  mariadb-install-db --defaults-file="$WORK/$region/my.cnf" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$WORK/logs/mariadb-$region-install.log" 2>&1
  local mariadbd
  mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$mariadbd" --defaults-file="$WORK/$region/my.cnf" >"$WORK/logs/mariadb-$region.log" 2>&1 &
  PIDS+=($!)
  wait_for "MariaDB ($region)" 60 sql "$port" "SELECT 1"
}

sql() { # port, statements
  mariadb --protocol=TCP -h 127.0.0.1 -P "$1" -u tandem -ptandem-secret --batch --skip-column-names -e "$2"
}

start_connect() {
  step "Starting a Kafka Connect worker on $CONNECT_URL with plugin.path=$WORK/plugins"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONNECT_PORT@#$CONNECT_PORT#g" -e "s#@PLUGINS@#$WORK/plugins#g" \
    "$ROOT/quickstart/conf/connect-distributed.properties" >"$WORK/connect-distributed.properties"
  # The config examples name hosts, ports and credentials as ${env:...}; the worker resolves them.
  EAST_DB_HOST=127.0.0.1 EAST_DB_PORT=$EAST_PORT EAST_DB_USER=tandem EAST_DB_PASSWORD=tandem-secret \
    WEST_DB_HOST=127.0.0.1 WEST_DB_PORT=$WEST_PORT WEST_DB_USER=tandem WEST_DB_PASSWORD=tandem-secret \
    SOURCE_DB_HOST=127.0.0.1 SOURCE_DB_PORT=$EAST_PORT SOURCE_DB_USER=tandem SOURCE_DB_PASSWORD=tandem-secret \
    DEST_DB_HOST=127.0.0.1 DEST_DB_PORT=$WEST_PORT DEST_DB_USER=tandem DEST_DB_PASSWORD=tandem-secret \
    KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT \
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

dump() { sql "$1" "SELECT id, owner, balance, note, updated_at FROM shop.account ORDER BY id" 2>/dev/null; }
count() { sql "$1" "SELECT COUNT(*) FROM shop.account" 2>/dev/null || echo 0; }
gtid_seq() { sql "$1" "SELECT @@gtid_binlog_pos" | tr ',' '\n' | awk -F- '$1 == 0 { print $3 }'; }

demo_schema() {
  step "Region east: database shop, table account, $SEEDED rows (even ids belong to east, odd ids to west)"
  sql "$EAST_PORT" "CREATE DATABASE shop; USE shop;
    CREATE TABLE shop.account (id INT PRIMARY KEY, owner VARCHAR(8) NOT NULL, balance DECIMAL(14,2) NOT NULL,
      note VARCHAR(64), updated_at DATETIME(6) NOT NULL);
    INSERT INTO shop.account SELECT seq, IF(seq % 2 = 0, 'east', 'west'), 100.00, 'seed', '2026-01-01 00:00:00'
      FROM seq_1_to_$SEEDED;"
}

project() { # GET /tandem/v1/projects/shop
  curl -sf "$CONNECT_URL/tandem/v1/projects/shop"
}

create_project() {
  step "Project shop, east <-> west: POST /tandem/v1/projects with config-examples/projects/shop-active-active.json"
  local answer
  answer=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data @"$ROOT/config-examples/projects/shop-active-active.json" "$CONNECT_URL/tandem/v1/projects")
  if [[ "$(tail -n1 <<<"$answer")" != 201 ]]; then
    echo "the project was refused:" >&2; head -n -1 <<<"$answer" | jq . >&2; return 1
  fi
  head -n -1 <<<"$answer" | jq -r '"  created now: \(.created | join(", "))", "  created once the forward link'"'"'s schema step is done: \(.pending | join(", "))"'
  echo "  console: $CONNECT_URL/tandem/ui/   status: curl -s $CONNECT_URL/tandem/v1/projects/shop"
  # progress, from the status API: the forward link's steps until its copy is applied and the reverse link runs
  local shown="" line status
  for _ in $(seq 1 300); do
    status=$(project) || { sleep 1; continue; }
    line=$(jq -r '.links[] | select(.name == "shop-east-source") as $l
      | ($l.steps[] | select(.name == "full")) as $f
      | "  east -> west: \($l.status), step \($l.currentStep); full copy \($f.status) \($f.rowsCopied // 0) / \($f.rowsEstimated // 0) rows (\($f.progress // 0)%)"' <<<"$status")
    [[ -n "$line" && "$line" != "$shown" ]] && { echo "$line"; shown=$line; }
    if jq -e '(.links | length) == 2 and ([.connectors[] | select(.state == "RUNNING")] | length) == 4
        and ([.links[] | select(.name == "shop-east-source") | .steps[] | select(.name == "full" and .status == "FINISHED")] | length) == 1' \
        <<<"$status" >/dev/null; then
      break
    fi
    sleep 1
  done
  jq -r '.links[] | "  link \(.name) -> \(.sinks | join(",")): \(.status), step \(.currentStep), delay \(.delayMs // "?") ms"' <<<"$(project)"
  [[ "$(dump "$EAST_PORT")" == "$(dump "$WEST_PORT")" ]] || { echo "west did not receive the full copy" >&2; return 1; }
  echo "  west holds the full copy (table created by the sink from the snapshot's CREATE TABLE, in the table's topic)"
  sql "$WEST_PORT" "UPDATE shop.account SET note = 'probe from west', updated_at = NOW(6) WHERE id = 1"
  wait_for "a change made in west to reach east" 120 bash -c \
    "[[ \$(mariadb --protocol=TCP -h 127.0.0.1 -P $EAST_PORT -u tandem -ptandem-secret -N -e \"SELECT note FROM shop.account WHERE id = 1\") == 'probe from west' ]]"
  echo "  a change made in west arrived in east: both links are streaming"
}

run_writers() {
  EAST_SEQ=$(gtid_seq "$EAST_PORT"); WEST_SEQ=$(gtid_seq "$WEST_PORT")
  if [[ $SHARED -gt 0 ]]; then
    step "Writers in both regions at once: $RATE statements/s each for ${DURATION}s (updates, inserts, deletes on each region's own keys; a quarter of them update accounts 1-$SHARED, which both regions change)"
  else
    step "Writers in both regions at once: $RATE statements/s each for ${DURATION}s (updates, inserts, deletes on each region's own keys)"
  fi
  local index=0
  for region in east west; do
    local port=$EAST_PORT; [[ $region == west ]] && port=$WEST_PORT
    : >"$WORK/logs/writer-$region.log"
    python3 "$ROOT/quickstart/bin/writer.py" --region "$region" --index $index --seeded "$SEEDED" --rate "$RATE" \
      --duration "$DURATION" --shared "$SHARED" --count-file "$WORK/$region.count" 2>>"$WORK/logs/writer-$region.log" \
      | mariadb --protocol=TCP -h 127.0.0.1 -P "$port" -u tandem -ptandem-secret shop >>"$WORK/logs/writer-$region.log" 2>&1 &
    PIDS+=($!)
    WRITERS+=($!)
    index=$((index + 1))
  done
  printf '  %6s  %-26s  %-26s  %s\n' "time" "east: rows / statements" "west: rows / statements" "delay east->west / west->east (status API)"
  local started=$SECONDS
  while kill -0 "${WRITERS[0]}" 2>/dev/null || kill -0 "${WRITERS[1]}" 2>/dev/null; do
    sleep 3
    local e_lag w_lag status
    status=$(project || echo '{}')
    e_lag=$(jq -r '[.links[]? | select(.name == "shop-east-source") | .delayMs // empty][0] // "?" | if type == "number" then "\(. / 1000)s" else . end' <<<"$status")
    w_lag=$(jq -r '[.links[]? | select(.name == "shop-west-source") | .delayMs // empty][0] // "?" | if type == "number" then "\(. / 1000)s" else . end' <<<"$status")
    printf '  %5ss  %-26s  %-26s  %s / %s\n' "$((SECONDS - started))" \
      "$(count "$EAST_PORT") / $(cat "$WORK/east.count" 2>/dev/null || echo 0)" \
      "$(count "$WEST_PORT") / $(cat "$WORK/west.count" 2>/dev/null || echo 0)" "$e_lag" "$w_lag"
  done
  if ! wait "${WRITERS[@]}"; then
    if compgen -G "$WORK/*.count.interrupted" >/dev/null; then exit 130; fi
    echo "a writer failed: see $WORK/logs/writer-*.log" >&2
    return 1
  fi
}

audit() { # region port
  local files
  files=$(sql "$2" "SHOW BINARY LOGS" | awk -v d="$WORK/$1/data" '{ print d "/" $1 }')
  # shellcheck disable=SC2086
  mariadb-binlog --no-defaults --verbose --base64-output=DECODE-ROWS $files 2>/dev/null \
    | python3 "$ROOT/quickstart/bin/binlog_audit.py" --after "$3"
}

conflicts() { # region port: what the region's sink recorded in tandem.tandem_conflict
  local found
  found=$(sql "$2" "SELECT CONCAT(conflict_type, ' -> ', outcome, ': ', COUNT(*)) FROM tandem.tandem_conflict
    GROUP BY conflict_type, outcome ORDER BY conflict_type, outcome" 2>/dev/null | paste -sd ';' - | sed 's/;/; /g')
  echo "  conflicts met in $1 (tandem.tandem_conflict, resolved by last-writer-wins on updated_at): ${found:-none}"
}

verify() {
  step "Verification"
  local i
  for i in $(seq 1 120); do   # until the last changes have arrived
    [[ "$(dump "$EAST_PORT")" == "$(dump "$WEST_PORT")" ]] && break
    sleep 1
  done
  local east_rows west_rows
  east_rows=$(count "$EAST_PORT"); west_rows=$(count "$WEST_PORT")
  echo "  the verifier (verifier/verify.sh) compares shop.* in east and west, chunk digests then rows:"
  if ! java -cp "$ROOT/verifier/target/classes:$(cat "$ROOT/verifier/target/verifier.classpath")" dev.tandem.verifier.VerifierCli \
      --source-url "jdbc:mariadb://127.0.0.1:$EAST_PORT/" --source-user tandem --source-password tandem-secret \
      --dest-url "jdbc:mariadb://127.0.0.1:$WEST_PORT/" --dest-user tandem --dest-password tandem-secret \
      --objects 'shop.*' --chunk-size 250 --recheck-attempts 0 --json "$WORK/verification.json" | sed 's/^/    /'; then
    echo "  FAILED: the regions differ (east $east_rows rows, west $west_rows rows); see $WORK/verification.json" >&2
    return 1
  fi
  conflicts east "$EAST_PORT"
  conflicts west "$WEST_PORT"
  local e1 w1
  e1=$(gtid_seq "$EAST_PORT"); w1=$(gtid_seq "$WEST_PORT")
  sleep 5
  if [[ "$(gtid_seq "$EAST_PORT")" != "$e1" || "$(gtid_seq "$WEST_PORT")" != "$w1" ]]; then
    echo "  FAILED: the binlogs keep growing after the writers stopped: changes are bouncing" >&2
    return 1
  fi
  echo "  both binlogs are quiet 5 s after the writers stopped: nothing bounces between the regions"
  local east_writes west_writes east_audit west_audit
  east_writes=$(cat "$WORK/east.count"); west_writes=$(cat "$WORK/west.count")
  east_audit=$(audit east "$EAST_PORT" "$EAST_SEQ"); west_audit=$(audit west "$WEST_PORT" "$WEST_SEQ")
  echo "  transactions in east's binlog since the writers started: $east_audit   (east's writer: $east_writes statements)"
  echo "  transactions in west's binlog since the writers started: $west_audit   (west's writer: $west_writes statements)"
  echo "  (local = the region's own writer, one statement per transaction; marked:<region> = transactions a sink"
  echo "  applied for that region's changes, each carrying its origin marker: a sink applies many changes in one"
  echo "  transaction, so there are fewer of them than the other region's statements)"
  local ok=true
  [[ " $east_audit " == *" local=$east_writes "* && " $west_audit " == *" local=$west_writes "* ]] || ok=false
  [[ "$east_audit" != *"marked:east"* && "$west_audit" != *"marked:west"* ]] || ok=false
  if ! $ok; then
    echo "  FAILED: a region's binlog holds a change of its own that came back, or transactions no writer made" >&2
    return 1
  fi
  echo "  every transaction a sink applied in east carries west's marker and vice versa; no change made in a"
  echo "  region was applied to it again. VERIFIED."
}

WRITERS=()
ensure_packages
build
start_kafka
start_mariadb east "$EAST_PORT" 1001
start_mariadb west "$WEST_PORT" 1002
start_connect
show_plugins
demo_schema
create_project
run_writers
verify

if $KEEP; then
  step "Running: Kafka 127.0.0.1:$KAFKA_PORT, Connect $CONNECT_URL, MariaDB east 127.0.0.1:$EAST_PORT and west 127.0.0.1:$WEST_PORT"
  echo "  connect to a region:  mariadb --protocol=TCP -h 127.0.0.1 -P $EAST_PORT -u tandem -ptandem-secret shop"
  echo "                        (user tandem, password tandem-secret; west on port $WEST_PORT)"
  echo "  connectors:           curl -s $CONNECT_URL/connectors?expand=status"
  echo "  the project:          curl -s $CONNECT_URL/tandem/v1/projects/shop   console: $CONNECT_URL/tandem/ui/"
  echo "Press Enter to stop."
  read -r _ || true
fi
