#!/usr/bin/env bash
# One RTSP camera that may go away and come back, into ovdetect. fallbacksrc keeps the pipeline
# running while the camera is away (black 320x240 frames from `timeout`, 5 s, after its last
# frame) and reconnects by itself when it returns. Every frame's faces go to OUTPUT.jsonl, and the
# frames with their boxes drawn to a window. Ctrl-C ends it cleanly.
#
#   pipelines/rtsp-camera.sh rtsp://user:password@camera/stream [OUTPUT]    (OUTPUT: out/rtsp-camera)
#
# SINK=fakesink: no window (autovideosink needs a display: without one it crashes). No camera at
# hand? /usr/bin/python3 pipelines/rtsp-test-camera.py serves one at rtsp://127.0.0.1:8554/cam.
# MODEL=... picks another detector (README: "ovdetect: any detector you bring").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements and fallbacksrc
uri=${1:?usage: pipelines/rtsp-camera.sh RTSP_URI [OUTPUT]}
out=${2:-$ROOT/out/rtsp-camera}
model=${MODEL:-$ROOT/models/face_detection_short_range.tflite}
mkdir -p "$(dirname "$out")"

# enable-audio=false: video only (else fallbacksrc adds a silent audio stream to a camera without one).
exec gst-launch-1.0 -e \
  fallbacksrc uri="$uri" enable-audio=false \
  ! videoconvert \
  ! ovdetect model="$model" \
  ! ovmetapublish location="$out.jsonl" \
  ! ovwatermark \
  ! videoconvert ! "${SINK:-autovideosink}"
