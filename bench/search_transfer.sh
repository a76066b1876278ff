#!/usr/bin/env bash
# What a first search costs a reader: build the synthetic corpus, serve the
# built site as plain files, and let headless Chromium open /search/ and
# search one word; report every byte it transferred (HTML, CSS, JS, index
# files, the pages it reads excerpts from).
#
#   bash bench/search_transfer.sh                # 10k briefings
#   bash bench/search_transfer.sh 1000 word...   # another size, other words
#
# Needs cargo, python3, node with tests/browser's packages
# (npm ci --prefix tests/browser --ignore-scripts) and Chromium
# (CHROMIUM, default /usr/bin/chromium).
#
# Environment:
#   GEN_CORPUS  path to gen_corpus.py [default: <repo>/../shared/tools/gen_corpus.py]
#   BENCH_DIR   where the corpus is kept [default: /tmp/briefing-bench]; a
#               corpus is generated only when missing
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN_CORPUS=${GEN_CORPUS:-$REPO_ROOT/../shared/tools/gen_corpus.py}
BENCH_DIR=${BENCH_DIR:-/tmp/briefing-bench}
COUNT=${1:-10000}
shift || true
# A word mostly in bodies, a topic in thousands of briefings, a name typed
# without its accent.
WORDS=("${@:-delegations inflation inacio}")

CORPUS=$BENCH_DIR/search-corpus-$COUNT
if [[ ! -f $CORPUS/briefing.yaml ]]; then
    [[ -f $GEN_CORPUS ]] || { echo "gen_corpus.py not found at $GEN_CORPUS" >&2; exit 1; }
    python3 "$GEN_CORPUS" --flavour briefing -n "$COUNT" --out "$CORPUS" >/dev/null
fi
cargo build --release --quiet --manifest-path "$REPO_ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release/briefing
"$BIN" build --quiet --root "$CORPUS" --output "$CORPUS/site"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$CORPUS/site" >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER"' EXIT
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$PORT/search/" >/dev/null && break
    sleep 0.1
done
# shellcheck disable=SC2068
node "$REPO_ROOT/bench/search_transfer.mjs" "http://127.0.0.1:$PORT/" ${WORDS[@]}
