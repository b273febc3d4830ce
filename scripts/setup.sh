#!/usr/bin/env bash
# Install everything Spur needs on a fresh Debian machine, skipping what is already there at the
# right version. Tools go into the project's gitignored .tools/ and node_modules/; nothing is
# downloaded from anywhere but the package registries (crates.io, npm, Debian).
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run on its own.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
WASM_OPT_VERSION=0.116.1 WASM_OPT_BINARYEN=116
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_PROGRESS_WHEN=never

say() { printf '==> %s\n' "$*"; }
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

command -v cargo >/dev/null || { echo "spur setup: cargo not found; install Rust with rustup first" >&2; exit 1; }
command -v node >/dev/null || apt_install nodejs npm
apt_install chromium chromium-driver curl g++

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

# Tools are built once per machine into a cache outside the clone ($SPUR_TOOL_CACHE) and copied
# into the project's .tools/, so a fresh clone on a warm machine (CI) starts in seconds.
CACHE=${SPUR_TOOL_CACHE:-$HOME/.cache/spur-tools}
mkdir -p "$TOOLS/bin"
cargo_tool() { # cargo_tool CRATE VERSION BINARY "BINARY --version TEXT" MINUTES [cargo install flags…]
  local crate=$1 version=$2 binary=$3 says=$4 minutes=$5; shift 5
  have_version "$binary" "$says" && return 0
  local root="$CACHE/$crate-$version"
  if [ ! -x "$root/bin/$binary" ]; then
    say "building $crate $version (about $minutes minutes on 2 cores, once per machine)"
    cargo install "$crate" --version "$version" --root "$root" --quiet "$@"
  fi
  cp -f "$root"/bin/* "$TOOLS/bin/"
}
cargo_tool trunk "$TRUNK_VERSION" trunk "trunk $TRUNK_VERSION" 10 --locked
# No --locked: one of wasm-bindgen-cli's locked dependencies is not served by the registry.
cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" 5
# Native Binaryen (built from source by the wasm-opt crate): an -Oz pass of the 5 MB worker
# module takes seconds, where npm's binaryen (Binaryen compiled to JS) took minutes. Debian's
# Binaryen 108 breaks the pages (TOOLCHAIN.md); 116 is checked by the browser and edge suites.
cargo_tool wasm-opt "$WASM_OPT_VERSION" wasm-opt "wasm-opt version $WASM_OPT_BINARYEN" 25 --locked

# DuckDB's CLI for `spur stats --engine duckdb` (issue 18): the prebuilt binary in PyPI's
# `duckdb-cli` wheel, in a venv under .tools/ (seconds, nothing compiled), linked as .tools/bin/duckdb.
DUCKDB_VERSION=1.5.6
if ! have_version "$TOOLS/bin/duckdb" "v$DUCKDB_VERSION"; then
  say "installing DuckDB $DUCKDB_VERSION (PyPI duckdb-cli) into .tools/duckdb-venv"
  python3 -m venv "$TOOLS/duckdb-venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$TOOLS/duckdb-venv"; }
  "$TOOLS/duckdb-venv/bin/pip" install --quiet "duckdb-cli==$DUCKDB_VERSION"
  ln -sf ../duckdb-venv/bin/duckdb "$TOOLS/bin/duckdb"
fi

# Apache Spark for `spur stats --engine spark` (issue 18): PySpark from PyPI in a venv under
# .tools/ (the wheel bundles Spark's jars; about a minute, once), run on Java 17+ (Debian's JRE,
# installed only when no `java` of 17 or newer is there).
PYSPARK_VERSION=4.3.0
java_major=$( (java -version 2>&1 || true) | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then apt_install openjdk-17-jre-headless; fi
if [ "$("$TOOLS/spark-venv/bin/python" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null)" != "$PYSPARK_VERSION" ]; then
  say "installing PySpark $PYSPARK_VERSION (PyPI) into .tools/spark-venv"
  python3 -m venv "$TOOLS/spark-venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$TOOLS/spark-venv"; }
  "$TOOLS/spark-venv/bin/pip" install --quiet "pyspark==$PYSPARK_VERSION"
fi

# Node packages: reinstall only when package.json changed since the last install.
stamp="$ROOT/node_modules/.spur-package-json.sha256"
want=$(sha256sum "$ROOT/package.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing Node packages (playwright-core, miniflare)"
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# Trunk builds offline (it passes --offline to cargo): fetch crates first; a no-op when cached.
(cd "$ROOT" && cargo fetch --quiet)

# Trunk must use these tools, never download its own.
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_TOOLS_WASM_BINDGEN=$WASM_BINDGEN_VERSION TRUNK_TOOLS_WASM_OPT=version_$WASM_OPT_BINARYEN
export CHROMEDRIVER=/usr/bin/chromedriver
