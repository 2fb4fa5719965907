#!/usr/bin/env bash
# Runs the verifier (dev.tandem.verifier.VerifierCli); builds it first when needed. --help lists the options.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -f "$ROOT/verifier/target/verifier.classpath" ]]; then
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl verifier -am >&2)
fi
exec java -cp "$ROOT/verifier/target/classes:$(cat "$ROOT/verifier/target/verifier.classpath")" dev.tandem.verifier.VerifierCli "$@"
