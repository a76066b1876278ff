#!/usr/bin/env python3
"""Print the tables for bench/run.sh from its per-size result folders.

  report.py RESULT_DIR...   (each: cold-round-*.json, nochange.json, rss.txt, count,
                             briefing-cold.txt, briefing-nochange.txt,
                             nochange-diff.json, briefing-output.json,
                             hugo-output.json)

Ratios are briefing / Hugo (below 1: briefing is faster or smaller).
"""

import json
import os
import re
import statistics
import sys

TARGET_TIME = 0.15     # full 10k build <= 0.15x Hugo's wall time (aim 0.1x)
TARGET_RSS = 0.25      # peak memory <= 0.25x Hugo's
TARGET_NOCHANGE = 0.3  # no-change rebuild <= 0.3x a cold build, writing no file
TARGET_SAVE_MS = 100   # issue 19: every single-file save at 10k, serve's own timing
TARGET_SCALING = 10.0  # 100k <= 10x the 10k time, and <= 10x its peak memory


def load(dir_):
    def path(name):
        return os.path.join(dir_, name)

    def text(name):
        with open(path(name), encoding="utf-8") as f:
            return f.read()

    def js(name):
        with open(path(name), encoding="utf-8") as f:
            return json.load(f)

    # One hyperfine export per round of the alternating cold builds.
    times = {}
    for name in sorted(os.listdir(dir_)):
        if name.startswith("cold-round-") and name.endswith(".json"):
            for r in js(name)["results"]:
                times.setdefault(r["command"], []).extend(r["times"])
    cold = {cmd: {"median": statistics.median(t),
                  "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
                  "times": t} for cmd, t in times.items()}
    nochange = js("nochange.json")["results"][0]
    rss = dict(line.split() for line in text("rss.txt").splitlines() if line.strip())
    built = re.search(r"(\d+) files \((\d+) changed\)", text("briefing-nochange.txt"))
    stages_cold = re.search(r"load .*", text("briefing-cold.txt"))
    stages_nochange = re.search(r"load .*|nothing to do.*", text("briefing-nochange.txt"))
    return {
        "dir": dir_,
        "n": int(text("count").strip()),
        "label": os.path.basename(dir_.rstrip("/")),
        "b": cold["briefing"]["median"],
        "h": cold["hugo"]["median"],
        "b_sd": cold["briefing"].get("stddev") or 0.0,
        "h_sd": cold["hugo"].get("stddev") or 0.0,
        "runs": len(cold["briefing"]["times"]),
        "b_rss": int(rss["briefing"]) / 1024,
        "h_rss": int(rss["hugo"]) / 1024,
        "nc": nochange["median"],
        "nc_files": int(built.group(1)) if built else None,
        "nc_changed": int(built.group(2)) if built else None,
        "nc_diff": js("nochange-diff.json"),
        "stages_cold": stages_cold.group(0).strip() if stages_cold else "(no --timings line)",
        "stages_nochange": stages_nochange.group(0).strip() if stages_nochange else "(no --timings line)",
        "b_out": js("briefing-output.json"),
        "h_out": js("hugo-output.json"),
    }


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    print(line(headers))
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for r in rows:
        print(line(r))


def main(dirs):
    rs = sorted((load(d) for d in dirs), key=lambda r: r["n"])
    sha = os.path.join(os.path.dirname(os.path.abspath(dirs[0])), "briefing.sha256")
    if os.path.exists(sha):
        with open(sha) as f:
            print(f"briefing binary: sha256 {f.read().strip()}…")
            print()

    print("Cold full build (median of hyperfine runs; ratio = briefing / Hugo)")
    print()
    table(
        ["size", "runs", "briefing s", "hugo s", "time ratio",
         "briefing RSS MB", "hugo RSS MB", "RSS ratio"],
        [[r["label"], r["runs"],
          f"{r['b']:.3f} ± {r['b_sd']:.3f}", f"{r['h']:.3f} ± {r['h_sd']:.3f}",
          f"{r['b'] / r['h']:.2f}",
          f"{r['b_rss']:.0f}", f"{r['h_rss']:.0f}", f"{r['b_rss'] / r['h_rss']:.2f}"]
         for r in rs],
    )
    print()
    print("No-change rebuild of briefing (site already built; build again)")
    print()
    table(
        ["size", "rebuild s", "cold s", "rebuild / cold", "files", "reported changed",
         "new inode or mtime", "added", "removed"],
        [[r["label"], f"{r['nc']:.3f}", f"{r['b']:.3f}", f"{r['nc'] / r['b']:.2f}",
          r["nc_files"], r["nc_changed"], r["nc_diff"]["rewritten"],
          r["nc_diff"]["added"], r["nc_diff"]["removed"]]
         for r in rs],
    )
    print()
    print("Output written")
    print()
    table(
        ["size", "briefing files", "briefing MB", "hugo files", "hugo MB"],
        [[r["label"], r["b_out"]["files"], f"{r['b_out']['bytes'] / 2**20:.1f}",
          r["h_out"]["files"], f"{r['h_out']['bytes'] / 2**20:.1f}"] for r in rs],
    )
    print()
    print("briefing --timings (one run each)")
    print()
    for r in rs:
        print(f"  {r['label']:>5} cold:      {r['stages_cold']}")
        print(f"  {r['label']:>5} no-change: {r['stages_nochange']}")
    print()

    for r in rs:
        preview = os.path.join(r["dir"], "preview.txt")
        if os.path.exists(preview):
            print(f"Preview at {r['label']} (medians; bench/preview.rs)")
            print()
            with open(preview, encoding="utf-8") as f:
                print(f.read().rstrip())
            print()

    print("Targets")
    by_n = {r["n"]: r for r in rs}
    checks = []
    if 10000 in by_n:
        r = by_n[10000]
        t = r["b"] / r["h"]
        checks.append((f"10k full build <= {TARGET_TIME}x Hugo (aim 0.1x)", f"{t:.2f}x", t <= TARGET_TIME))
    for r in rs:
        m = r["b_rss"] / r["h_rss"]
        checks.append((f"{r['label']} peak memory <= {TARGET_RSS}x Hugo", f"{m:.2f}x", m <= TARGET_RSS))
    if 10000 in by_n and 100000 in by_n:
        s = by_n[100000]["b"] / by_n[10000]["b"]
        checks.append((f"100k build <= {TARGET_SCALING:g}x the 10k build", f"{s:.1f}x", s <= TARGET_SCALING))
        m = by_n[100000]["b_rss"] / by_n[10000]["b_rss"]
        checks.append((f"100k peak memory <= {TARGET_SCALING:g}x the 10k peak", f"{m:.1f}x", m <= TARGET_SCALING))
    for r in rs:
        slowest = slowest_save(os.path.join(r["dir"], "preview.txt"))
        if slowest:
            name, ms = slowest
            checks.append((f"{r['label']} every preview save <= {TARGET_SAVE_MS} ms (median)",
                           f"slowest: {name}, {ms:g} ms", ms <= TARGET_SAVE_MS))
    for r in rs:
        ratio = r["nc"] / r["b"]
        writes = r["nc_changed"] == 0 and r["nc_diff"]["rewritten"] == 0 and r["nc_diff"]["added"] == 0
        checks.append((f"{r['label']} no-change rebuild <= {TARGET_NOCHANGE}x cold", f"{ratio:.2f}x", ratio <= TARGET_NOCHANGE))
        checks.append((f"{r['label']} no-change rebuild writes no file",
                       f"{r['nc_changed']} reported, {r['nc_diff']['rewritten']} rewritten", writes))
    width = max(len(c[0]) for c in checks)
    for name, value, ok in checks:
        print(f"  {'met   ' if ok else 'MISSED'}  {name.ljust(width)}  {value}")


def slowest_save(path):
    """The save with the longest median rebuild (serve's own ms) in a
    preview.txt that bench/preview.rs wrote, or None without one."""
    if not os.path.exists(path):
        return None
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rsplit(None, 2)
            if len(parts) == 3:
                try:  # a save's row: name, serve's ms, save-to-reload ms
                    rows.append((parts[0].strip(), float(parts[1]), float(parts[2])))
                except ValueError:
                    pass
    rows = [(name, ms) for name, ms, _ in rows]
    return max(rows, key=lambda row: row[1]) if rows else None


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
