#!/usr/bin/env bash
# Validate every HTML page of a built site with the Nu HTML Checker (vnu).
#
# Usage: bash tests/check_html.sh SITE_DIR
#
# Installs vnu-jar with npm into tests/browser/node_modules when it is missing
# (without touching tests/browser/package.json or its lock file), runs it once
# over every *.html file under SITE_DIR with --errors-only, prints each error,
# then a closing line `html: N passed, M failed` (N pages without an error, M
# pages with one) and exits 1 when any page has an error.
# Needs java (11 or later) and, for the first run, npm. VNU_JAR=/path/to/vnu.jar
# uses that jar instead.
set -euo pipefail

usage() { echo "usage: bash tests/check_html.sh SITE_DIR" >&2; exit 2; }
[ "$#" -eq 1 ] || usage
site="$1"
[ -d "$site" ] || { echo "check_html: $site is not a directory" >&2; exit 2; }
case "$site" in -*) site="./$site" ;; esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo/tests/browser"
jar="${VNU_JAR:-$prefix/node_modules/vnu-jar/build/dist/vnu.jar}"

if [ -n "${VNU_JAR:-}" ] && [ ! -f "$jar" ]; then
  echo "check_html: VNU_JAR=$jar is not a file" >&2
  exit 2
fi
if [ ! -f "$jar" ]; then
  command -v npm >/dev/null || { echo "check_html: npm is needed to install vnu-jar" >&2; exit 2; }
  echo "check_html: installing vnu-jar into $prefix/node_modules" >&2
  npm install --prefix "$prefix" --ignore-scripts --no-save --no-audit --no-fund --loglevel=error vnu-jar >&2
  [ -f "$jar" ] || { echo "check_html: npm did not install $jar" >&2; exit 2; }
fi
command -v java >/dev/null || { echo "check_html: java is needed to run vnu" >&2; exit 2; }

# The pages to check, as find lists them. An edition's e-mail is not a web
# page: it keeps the table attributes (width, cellpadding) that e-mail
# clients need and HTML5 calls obsolete; tests/editions.rs checks it.
pages=()
while IFS= read -r -d '' file; do
  pages+=("$file")
done < <(find "$site" -name '*.html' -not -name 'email.html' -type f -print0 | sort -z)
total=${#pages[@]}
if [ "$total" -eq 0 ]; then
  echo "check_html: no .html files under $site" >&2
  echo "html: 0 passed, 0 failed"
  exit 1
fi

# One JVM for every page. vnu exits 1 when it reports an error; keep going to count them.
rc=0
output="$(java -jar "$jar" --errors-only --format gnu "${pages[@]}" 2>&1)" || rc=$?

# Each error line starts with the page's file URL in quotes: "file:/…/index.html":12.3-12.9: error: …
failed_urls="$(printf '%s\n' "$output" | sed -n 's/^"\(file:[^"]*\)".*/\1/p' | sort -u)"
if [ -n "$failed_urls" ]; then
  failed=$(printf '%s\n' "$failed_urls" | wc -l)
  failed=$((failed))
else
  failed=0
fi

if [ -n "$output" ]; then
  # Shorten file URLs to paths under SITE_DIR for reading.
  site_abs="$(cd "$site" && pwd -P)"
  printf '%s\n' "${output//\"file:"$site_abs"\//\"}"
fi

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # vnu failed without naming a page (bad jar, Java error): no page counts as passed.
  echo "check_html: vnu exited with status $rc without naming a page" >&2
  failed=$total
fi
if [ "$failed" -gt "$total" ]; then
  failed=$total
fi
passed=$((total - failed))

echo "html: $passed passed, $failed failed"
if [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then
  exit 1
fi
