#!/usr/bin/env bash
# Builds GStreamer's fallbacksrc and fallbackswitch (gst-plugins-rs, crate gst-plugin-fallbackswitch;
# Debian bookworm does not package it) into target/gst-plugins-rs/libgstfallbackswitch.so. That
# folder is on the plugin path of ./ovgst env, ./ovgst launch (and the other Java commands) and the
# tests; our loader plugin's folder target/gst-plugin/ is not, in a JVM that registers our elements
# itself.
#
#   gst-plugin/build-fallbackswitch.sh [--force]
#
# The crate and all its dependencies are pinned by gst-plugin/fallbackswitch/Cargo.lock (version
# and crates.io's sha256 of each crate; cargo checks every download against it) and built with
# --locked. Downloads and the build stay in .venv/cargo (CARGO_HOME and target dir), so a later
# run after `mvn clean` only copies the .so back. A fresh build takes 1-3 minutes on 2 cores.
# Rebuilds only when the pin, this script, rustc or GStreamer changed; prints nothing then.
# scripts/setup.sh runs it. Needs cargo and rustc >= RUST_MIN (the crate's rust-version).
#   --force   rebuild even when up to date
set -euo pipefail

CRATE=gst-plugin-fallbackswitch
RUST_MIN=1.92

self=$(readlink -f "${BASH_SOURCE[0]}")
HERE=${self%/*}
ROOT=${HERE%/*}
PIN=$HERE/fallbackswitch
CACHE=$ROOT/.venv/cargo
OUT=$ROOT/target/gst-plugins-rs
LIB=$OUT/libgstfallbackswitch.so
BUILT=$CACHE/target/release/libgstfallbackswitch.so
KEY_FILE=$CACHE/.build-key

say() { printf 'ovgst fallbackswitch: %s\n' "$*" >&2; }
die() { printf 'ovgst fallbackswitch: %s\n' "$*" >&2; exit 1; }

force=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done

# rustup installs cargo into $CARGO_HOME/bin or ~/.cargo/bin, often not on PATH in scripts.
cargo=$(command -v cargo || true)
for candidate in ${CARGO_HOME:+"$CARGO_HOME/bin/cargo"} ${HOME:+"$HOME/.cargo/bin/cargo"}; do
  if [[ -z $cargo && -x $candidate ]]; then cargo=$candidate; fi
done
[[ -n $cargo ]] || die "cargo not found (on PATH, in \$CARGO_HOME/bin or ~/.cargo/bin), needed to build fallbacksrc ($CRATE): install Rust >= $RUST_MIN with rustup (Debian bookworm's cargo is too old), then run ./ovgst setup"
export PATH=${cargo%/*}:$PATH
rustc_version=$(rustc --version 2>/dev/null) || die "rustc does not run beside $cargo; install Rust >= $RUST_MIN with rustup, then run ./ovgst setup"
have=$(printf '%s\n' "$rustc_version" | awk '{print $2}')
[[ $(printf '%s\n%s\n' "$RUST_MIN" "$have" | sort -V | head -n1) == "$RUST_MIN" ]] \
  || die "$rustc_version is too old for $CRATE (needs >= $RUST_MIN): rustup update, then run ./ovgst setup"
gst_version=$(pkg-config --modversion gstreamer-1.0 gstreamer-video-1.0 gstreamer-audio-1.0 2>/dev/null | tr '\n' ' ') \
  || die "pkg-config does not find GStreamer's development files; run ./ovgst setup (it installs libgstreamer1.0-dev and libgstreamer-plugins-base1.0-dev)"

key=$(
  sha256sum "$PIN/Cargo.toml" "$PIN/Cargo.lock" "$PIN/pin.rs" "$self"
  printf 'rustc=%s\ngst=%s\n' "$rustc_version" "$gst_version"
)

if (( force )) || [[ ! -f $BUILT || ! -f $KEY_FILE || $(<"$KEY_FILE") != "$key" ]]; then
  version=$(sed -n "/^name = \"$CRATE\"/{n;s/^version = \"\(.*\)\"/\1/p}" "$PIN/Cargo.lock")
  say "building $CRATE $version with cargo (once; 1-3 minutes)"
  mkdir -p "$CACHE"
  log=$CACHE/build.log
  started=$SECONDS
  if ! CARGO_HOME=$CACHE CARGO_TARGET_DIR=$CACHE/target \
      "$cargo" build --release --locked --manifest-path "$PIN/Cargo.toml" -p "$CRATE" </dev/null >"$log" 2>&1; then
    tail -n 15 "$log" >&2
    die "cargo build of $CRATE $version failed (last lines above; log: $log)"
  fi
  printf '%s\n' "$key" >"$KEY_FILE"
  say "built $CRATE $version in $((SECONDS - started)) s"
  rm -f "$LIB"
fi

if [[ ! -f $LIB ]]; then
  mkdir -p "$OUT"
  # Replace, never overwrite in place: running processes may have the old file mapped.
  cp "$BUILT" "$LIB.tmp"
  mv -f "$LIB.tmp" "$LIB"
fi
