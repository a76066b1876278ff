#!/usr/bin/env bash
# Two builds of briefing on one corpus, in one run: cold and no-change build
# times (hyperfine medians) and the peak memory of a cold build.
#
#   bash bench/compare.sh OLD_BINARY NEW_BINARY CORPUS_DIR
#
# CORPUS_DIR is a site made by gen_corpus.py --flavour briefing. Each cold
# run starts with no output and no caches (both versions' cache places).
set -euo pipefail
[ "$#" -eq 3 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); dir=$(realpath "$3")
clean="rm -rf $dir/site $dir/.briefing $dir/.site.cache $dir/.site.cache-html $dir/.site.cache-meta"
build() { echo "$1 build -q --root $dir --output $dir/site"; }
out=$(mktemp -d)

echo "== cold build"
hyperfine -N -w 1 -r 5 --export-json "$out/cold.json" --prepare "$clean" \
  -n old "$(build "$old")" -n new "$(build "$new")" >/dev/null
echo "== no-change build"
for v in old new; do
  bin=$old; [ "$v" = new ] && bin=$new
  $clean; $(build "$bin") >/dev/null
  hyperfine -N -w 1 -r 7 --export-json "$out/nochange-$v.json" -n "$v" "$(build "$bin")" >/dev/null
done
echo "== peak RSS of a cold build"
for v in old new; do
  bin=$old; [ "$v" = new ] && bin=$new
  $clean
  /usr/bin/time -v $(build "$bin") 2>&1 >/dev/null | sed -n "s/.*Maximum resident set size (kbytes): /$v: /p"
done
$clean
python3 - "$out" <<'PY'
import json, statistics, sys
d = sys.argv[1]
for name in ["cold", "nochange-old", "nochange-new"]:
    for r in json.load(open(f"{d}/{name}.json"))["results"]:
        print(f"{name:13} {r['command']}: median {statistics.median(r['times']):.3f} s, "
              f"user {r['user']:.3f} s, system {r['system']:.3f} s")
PY
rm -rf "$out"
