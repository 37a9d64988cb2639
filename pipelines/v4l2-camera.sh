#!/usr/bin/env bash
# A V4L2 camera (a webcam, a capture card): faces found in every frame drawn in a window, and
# written to OUTPUT.jsonl. Ctrl-C ends it.
#
#   pipelines/v4l2-camera.sh [DEVICE] [OUTPUT]     (DEVICE: /dev/video0; OUTPUT: out/v4l2-camera)
#
# SINK=fakesink: no window (autovideosink needs a display: without one it crashes).
# `v4l2-ctl --list-formats-ext` (Debian's v4l-utils) lists what the camera gives; a caps filter
# such as `! video/x-raw,width=1280,height=720` after v4l2src picks one. MODEL=... picks another
# detector.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements
device=${1:-/dev/video0}
out=${2:-$ROOT/out/v4l2-camera}
model=${MODEL:-$ROOT/models/face_detection_short_range.tflite}
mkdir -p "$(dirname "$out")"

exec gst-launch-1.0 -e \
  v4l2src device="$device" ! videoconvert \
  ! ovdetect model="$model" \
  ! ovmetapublish location="$out.jsonl" \
  ! ovwatermark \
  ! videoconvert ! "${SINK:-autovideosink}"
