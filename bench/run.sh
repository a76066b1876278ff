#!/usr/bin/env bash
# Benchmark briefing against Hugo on the same synthetic corpus.
#
#   bash bench/run.sh              # sizes 1k and 10k
#   bash bench/run.sh 1k 10k 100k  # add 100k (slow: over half an hour on 2 cores)
#
# Sizes are counts of briefings: 1k, 10k, 100k, or a plain number (2500).
#
# For each size it measures, with both tools on the same machine in one run:
#   - a cold full build (empty output, no caches), briefing and Hugo alternating
#     run by run (one hyperfine invocation of both per round); medians and ratio;
#   - peak memory (maximum resident set size) of one cold build of each, with
#     /usr/bin/time -v;
#   - briefing's own stage timings (--timings) for a cold and a no-change build;
#   - a no-change rebuild of briefing (build, then build again): its median time,
#     the files it reports as changed, and, checked independently, how many
#     output files got a new inode or mtime;
#   - the preview (`briefing serve`): each kind of save (body, title, date, topics,
#     a new briefing and its deletion, a topic profile, the fix after a failed
#     save) as its own row, serve's own rebuild time and save to reload event.
#
# Environment:
#   GEN_CORPUS     path to gen_corpus.py [default: <repo>/../shared/tools/gen_corpus.py]
#   BENCH_DIR      where corpora and results live [default: /tmp/briefing-bench];
#                  a corpus is generated only when missing
#   BENCH_RUNS     timed runs (rounds) per command [default: 5; 3 for sizes >= 100k]
#   BENCH_WARMUP   warm-up runs per command [default: 1]
#   BENCH_PREVIEW_ROUNDS  rounds of each kind of save in the preview [default: 3]
#   BENCH_BUILD_TRIES  attempts at `cargo build --release`, a minute apart [default: 5]
#   BENCH_BRIEFING path to a briefing binary to measure instead of building
#                  target/release/briefing (to compare two versions)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SRC="$REPO_ROOT/bench"
GEN_CORPUS=${GEN_CORPUS:-$REPO_ROOT/../shared/tools/gen_corpus.py}
BENCH_DIR=${BENCH_DIR:-/tmp/briefing-bench}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_BUILD_TRIES=${BENCH_BUILD_TRIES:-5}
BENCH_PREVIEW_ROUNDS=${BENCH_PREVIEW_ROUNDS:-3}

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments

parse_size() { # 1k -> 1000, 10k -> 10000, 2500 -> 2500
    case "$1" in
        *[kK]) local n=${1%[kK]}; [[ $n =~ ^[0-9]+$ ]] || return 1; echo $((n * 1000)) ;;
        *[mM]) local n=${1%[mM]}; [[ $n =~ ^[0-9]+$ ]] || return 1; echo $((n * 1000000)) ;;
        *) [[ $1 =~ ^[0-9]+$ ]] || return 1; echo "$1" ;;
    esac
}

label() { # 1000 -> 1k, 2500 -> 2500
    if (( $1 % 1000 == 0 )); then echo "$(($1 / 1000))k"; else echo "$1"; fi
}

SIZES=()
for arg in "${@:-1k 10k}"; do
    for word in $arg; do
        case "$word" in
            -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        esac
        n=$(parse_size "$word") || die "not a size: '$word' (use 1k, 10k, 100k or a number)"
        (( n > 0 )) || die "size must be positive: '$word'"
        SIZES+=("$n")
    done
done

[[ -f $GEN_CORPUS ]] || die "gen_corpus.py not found at $GEN_CORPUS (set GEN_CORPUS=/path/to/gen_corpus.py)"

# ---------------------------------------------------------------- tools

install_tools() {
    local missing=()
    command -v hugo >/dev/null || missing+=(hugo)
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    [[ -x /usr/bin/time ]] || missing+=(time)
    command -v python3 >/dev/null || missing+=(python3)
    (( ${#missing[@]} == 0 )) && return 0
    log "installing ${missing[*]}"
    local sudo=()
    if (( EUID != 0 )); then
        command -v sudo >/dev/null || die "missing ${missing[*]}: run as root or install them (apt-get install ${missing[*]})"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_tools
hugo version >/dev/null 2>&1 || die "'hugo version' failed: is Hugo installed correctly?"
command -v cargo >/dev/null || die "cargo not found"

# ---------------------------------------------------------------- briefing binary

# Build once, then copy the binary into BENCH_DIR, so a rebuild of target/
# by someone else during the run cannot change what is being measured.
build_briefing() {
    local try
    for ((try = 1; try <= BENCH_BUILD_TRIES; try++)); do
        if (cd "$REPO_ROOT" && cargo build --release --quiet --bin briefing --example preview); then
            return 0
        fi
        (( try < BENCH_BUILD_TRIES )) && { log "cargo build --release failed (try $try/$BENCH_BUILD_TRIES); retrying in 60 s"; sleep 60; }
    done
    die "cargo build --release failed $BENCH_BUILD_TRIES times"
}

mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/results"
TARGET=${CARGO_TARGET_DIR:-$REPO_ROOT/target}
BRIEFING="$BENCH_DIR/bin/briefing"
if [[ -n ${BENCH_BRIEFING:-} ]]; then
    [[ -x $BENCH_BRIEFING ]] || die "BENCH_BRIEFING=$BENCH_BRIEFING is not an executable"
    log "using $BENCH_BRIEFING (no cargo build)"
    cp "$BENCH_BRIEFING" "$BRIEFING.tmp"
else
    log "cargo build --release"
    build_briefing
    cp "$TARGET/release/briefing" "$BRIEFING.tmp"
fi
mv -f "$BRIEFING.tmp" "$BRIEFING"
# The preview benchmark drives `briefing serve` (BRIEFING_BIN) on a corpus.
PREVIEW="$BENCH_DIR/bin/preview"
[[ -n ${BENCH_BRIEFING:-} ]] && build_briefing
cp "$TARGET/release/examples/preview" "$PREVIEW.tmp"
mv -f "$PREVIEW.tmp" "$PREVIEW"
sha256sum "$BRIEFING" | cut -c1-16 > "$BENCH_DIR/results/briefing.sha256"
log "briefing binary sha256 $(cat "$BENCH_DIR/results/briefing.sha256")…"

# ---------------------------------------------------------------- corpora

# The corpus is written to a temporary folder and renamed into place only when
# complete, so an interrupted run regenerates it next time.
ensure_corpus() { # flavour count dir
    local flavour=$1 count=$2 dir=$3
    [[ -f $dir/.complete ]] && return 0
    log "generating $flavour corpus of $count briefings in $dir"
    rm -rf "$dir" "$dir.tmp"
    python3 "$GEN_CORPUS" --flavour "$flavour" --count "$count" --out "$dir.tmp" --force >&2
    touch "$dir.tmp/.complete"
    mv "$dir.tmp" "$dir"
}

q() { printf '%q' "$1"; }

peak_rss_kb() { # stdout-file command... ; runs it, prints "Maximum resident set size" in kB
    local stdout=$1 out
    shift
    out=$(mktemp)
    if ! /usr/bin/time -v -o "$out" "$@" > "$stdout"; then
        cat "$stdout" "$out" >&2; rm -f "$out"; die "failed: $*"
    fi
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$out"
    rm -f "$out"
}

# ---------------------------------------------------------------- one size

bench_size() {
    local n=$1 name runs
    name=$(label "$n")
    runs=${BENCH_RUNS:-$(( n >= 100000 ? 3 : 5 ))}
    local bdir="$BENCH_DIR/corpus-$name/briefing" hdir="$BENCH_DIR/corpus-$name/hugo"
    local res="$BENCH_DIR/results/$name"
    mkdir -p "$res"
    ensure_corpus briefing "$n" "$bdir"
    ensure_corpus hugo "$n" "$hdir"

    local b_cmd h_cmd b_clean h_clean
    b_cmd="$(q "$BRIEFING") build --root $(q "$bdir") --output $(q "$bdir/site")"
    # --buildFuture: the corpus dates briefing i at 2024-01-01 + 47 min * i, so
    # past about 32,000 briefings the dates are in the future, and Hugo skips
    # future pages by default (briefing builds them).
    h_cmd="hugo --quiet --buildFuture --source $(q "$hdir") --destination $(q "$hdir/public") --cacheDir $(q "$hdir/.hugo_cache")"
    # Cold builds: no previous output (briefing would keep unchanged files
    # from it), no build cache (.site.cache*: rendered bodies, parsed
    # front-matter, page digests), no staging leftovers, no Hugo resources or
    # file cache. Then `sync`, so the write-back of the previous run's output
    # (hundreds of MB at 10k) does not land inside the next timed run.
    b_clean="rm -rf $(q "$bdir/site") $(q "$bdir/.briefing") $(q "$bdir")/.site.* && sync"
    h_clean="rm -rf $(q "$hdir/public") $(q "$hdir/resources") $(q "$hdir/.hugo_cache") $(q "$hdir/.hugo_build.lock") && sync"

    # One cold build of each first, checked (a broken build must not be timed)
    # and run under /usr/bin/time -v for its peak memory; briefing's with
    # --timings for its stage line.
    log "$name: one cold build of each: check, peak memory, briefing's stage timings"
    local b_rss h_rss
    bash -c "$b_clean"
    b_rss=$(peak_rss_kb "$res/briefing-cold.txt" "$BRIEFING" build --root "$bdir" --output "$bdir/site" --timings)
    cat "$res/briefing-cold.txt" >&2
    grep -q "^Built $n briefings" "$res/briefing-cold.txt" || die "briefing did not build $n briefings"
    bash -c "$h_clean"
    h_rss=$(peak_rss_kb "$res/hugo-cold.txt" hugo --quiet --buildFuture --source "$hdir" --destination "$hdir/public" --cacheDir "$hdir/.hugo_cache")
    [[ -f $hdir/public/index.html ]] || die "hugo wrote no index.html"
    local h_pages
    h_pages=$(find "$hdir/public/briefings" -mindepth 2 -maxdepth 2 -name index.html | wc -l)
    (( h_pages == n )) || die "hugo built $h_pages briefing pages, not $n"
    printf 'briefing %s\nhugo %s\n' "$b_rss" "$h_rss" > "$res/rss.txt"
    cat "$res/rss.txt" >&2
    python3 "$BENCH_SRC/tree.py" stats "$bdir/site" > "$res/briefing-output.json"
    python3 "$BENCH_SRC/tree.py" stats "$hdir/public" > "$res/hugo-output.json"

    # No-change rebuild: build again over the site just built. Besides the
    # count briefing reports, check that no output file got a new inode or
    # mtime (an unchanged file is hard-linked from the previous site).
    log "$name: no-change rebuild of briefing"
    sync
    python3 "$BENCH_SRC/tree.py" snapshot "$bdir/site" > "$res/before.json"
    bash -c "$b_cmd --timings" > "$res/briefing-nochange.txt" || die "briefing rebuild failed on $bdir"
    cat "$res/briefing-nochange.txt" >&2
    python3 "$BENCH_SRC/tree.py" snapshot "$bdir/site" > "$res/after.json"
    python3 "$BENCH_SRC/tree.py" diff "$res/before.json" "$res/after.json" > "$res/nochange-diff.json"
    hyperfine --style basic --warmup "$BENCH_WARMUP" --runs "$runs" --prepare sync \
        --export-json "$res/nochange.json" \
        --command-name "briefing no-change" "$b_cmd" >&2

    # The preview: every kind of save, each its own row (bench/preview.rs).
    log "$name: preview, each kind of save ($BENCH_PREVIEW_ROUNDS rounds)"
    BRIEFING_BIN="$BRIEFING" "$PREVIEW" "$bdir" "$BENCH_PREVIEW_ROUNDS" > "$res/preview.txt" \
        || die "the preview benchmark failed on $bdir"
    cat "$res/preview.txt" >&2

    # hyperfine runs all of one command's runs before the next command's, so
    # to alternate the two tools run by run (and share any drift in machine
    # load fairly) each round is one hyperfine invocation of both commands,
    # one run each, the order swapped every round. Warm-up runs happen in the
    # first round only.
    log "$name: cold builds, briefing and hugo alternating (warmup $BENCH_WARMUP, $runs rounds)"
    rm -f "$res"/cold-round-*.json
    local round warm b_args h_args order
    b_args=(--prepare "$b_clean" --command-name briefing "$b_cmd")
    h_args=(--prepare "$h_clean" --command-name hugo "$h_cmd")
    for ((round = 1; round <= runs; round++)); do
        warm=0; (( round == 1 )) && warm=$BENCH_WARMUP
        if (( round % 2 )); then order=("${b_args[@]}" "${h_args[@]}"); else order=("${h_args[@]}" "${b_args[@]}"); fi
        hyperfine --style basic --warmup "$warm" --runs 1 \
            --export-json "$res/cold-round-$round.json" "${order[@]}" >&2
    done
    echo "$n" > "$res/count"
}

for n in "${SIZES[@]}"; do
    bench_size "$n"
done

# ---------------------------------------------------------------- report

results=()
for n in "${SIZES[@]}"; do results+=("$BENCH_DIR/results/$(label "$n")"); done
log "results"
python3 "$BENCH_SRC/report.py" "${results[@]}"
