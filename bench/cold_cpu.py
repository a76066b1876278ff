"""Cold builds of several briefing binaries on one corpus, interleaved (one
of each per round, so that load from elsewhere falls on all of them alike),
with each run's wall time and CPU time (user + system, from wait4).

    python3 bench/cold_cpu.py ROUNDS CORPUS_DIR NAME=BINARY [NAME=BINARY ...]

Output and caches are removed before every run; one warm-up round is not
counted. Prints medians and minimums, and for each binary after the first,
the median of its per-round CPU ratio to the first.
"""
import os
import shutil
import statistics
import subprocess
import sys

if len(sys.argv) < 4:
    sys.exit(__doc__)
rounds, corpus = int(sys.argv[1]), sys.argv[2]
binaries = [arg.split("=", 1) for arg in sys.argv[3:]]
runs = {name: [] for name, _ in binaries}


def clean():
    for name in ["site", ".briefing", ".site.cache", ".site.cache-html", ".site.cache-meta"]:
        path = os.path.join(corpus, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)


for r in range(rounds + 1):
    for name, binary in binaries:
        clean()
        wall = os.times().elapsed
        child = subprocess.Popen(
            [binary, "build", "-q", "--root", corpus, "--output", os.path.join(corpus, "site")],
            stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = os.times().elapsed - wall
        if status != 0:
            sys.exit(f"{name}: build failed ({status})")
        if r > 0:
            runs[name].append((wall, usage.ru_utime + usage.ru_stime, usage.ru_utime, usage.ru_stime))
clean()

median = statistics.median
first = binaries[0][0]
for name, _ in binaries:
    v = runs[name]
    print(
        f"{name:12} wall median {median(x[0] for x in v):.2f} s (min {min(x[0] for x in v):.2f})"
        f"  cpu median {median(x[1] for x in v):.2f} s (min {min(x[1] for x in v):.2f})"
        f"  user {median(x[2] for x in v):.2f}  sys {median(x[3] for x in v):.2f}"
    )
for name, _ in binaries[1:]:
    ratios = [b[1] / a[1] for a, b in zip(runs[first], runs[name])]
    print(f"{name} / {first}: cpu ratio, median of rounds {median(ratios):.3f}")
