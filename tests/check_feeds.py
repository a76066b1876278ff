#!/usr/bin/env python3
"""Parse every feed of a built site with an independent client (feedparser).

Usage: check_feeds.py SITE_DIR

Fails on any `bozo` (malformed feed) error, on relative links, and on items
without a date. Prints one line per failure and a closing count line.
"""
import json
import os
import sys

import feedparser


def check_xml(path, failures):
    feed = feedparser.parse(path)
    if feed.bozo:
        failures.append(f"{path}: {feed.bozo_exception!r}")
        return
    if not feed.feed.get("title"):
        failures.append(f"{path}: no channel title")
    for entry in feed.entries:
        link = entry.get("link", "")
        if not link.startswith(("http://", "https://")):
            failures.append(f"{path}: item link {link!r} is not absolute")
        if not entry.get("published_parsed"):
            failures.append(f"{path}: item {entry.get('title')!r} has no parsable date")


def check_json(path, failures):
    with open(path, encoding="utf-8") as f:
        feed = json.load(f)
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        failures.append(f"{path}: not JSON Feed 1.1")
    for item in feed.get("items", []):
        if not item.get("url", "").startswith(("http://", "https://")):
            failures.append(f"{path}: item url is not absolute")


def main():
    site = sys.argv[1]
    failures, checked, failed_files = [], 0, 0
    for folder, _, files in os.walk(site):
        for name in files:
            path = os.path.join(folder, name)
            if name in ("rss.xml", "atom.xml"):
                check_xml(path, failures)
            elif name == "feed.json":
                check_json(path, failures)
            else:
                continue
            checked += 1
            if failures and failures[-1].startswith(path + ":"):
                failed_files += 1
    for failure in failures:
        print(failure)
    if checked == 0:
        failures.append("no feed found")
        failed_files = 1
    print(f"feedparser: {checked - failed_files} passed, {failed_files} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
