#!/usr/bin/env python3
"""Small file-tree helpers for bench/run.sh.

  tree.py snapshot DIR         JSON {relative path: [inode, mtime_ns, size]} of every file
  tree.py diff BEFORE AFTER    JSON counts: files added, removed, and rewritten
                               (same path, new inode or new mtime)
  tree.py stats DIR            JSON {files, bytes} of a built site
"""

import json
import os
import sys


def snapshot(root):
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            out[os.path.relpath(path, root)] = [st.st_ino, st.st_mtime_ns, st.st_size]
    return out


def diff(before, after):
    common = before.keys() & after.keys()
    return {
        "files_before": len(before),
        "files_after": len(after),
        "added": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
        "new_inode": sum(before[p][0] != after[p][0] for p in common),
        "new_mtime": sum(before[p][1] != after[p][1] for p in common),
        "rewritten": sum(before[p][:2] != after[p][:2] for p in common),
    }


def stats(root):
    snap = snapshot(root)
    return {"files": len(snap), "bytes": sum(v[2] for v in snap.values())}


def main(argv):
    if len(argv) == 3 and argv[1] == "snapshot":
        result = snapshot(argv[2])
    elif len(argv) == 4 and argv[1] == "diff":
        with open(argv[2]) as a, open(argv[3]) as b:
            result = diff(json.load(a), json.load(b))
    elif len(argv) == 3 and argv[1] == "stats":
        result = stats(argv[2])
    else:
        sys.exit(__doc__)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main(sys.argv)
