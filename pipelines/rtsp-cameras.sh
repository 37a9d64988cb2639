#!/usr/bin/env bash
# Several RTSP cameras into one model: each camera its own fallbacksrc and ovdetect, all the
# ovdetects sharing one compiled model (model-instance-id=cameras: one copy in memory; with
# batch-size=N, frames of all cameras batched together, each camera's frames still in its own
# order). A camera that goes away shows black frames and comes back by itself; the others never
# wait for it. Camera N's detections go to OUTPUT_DIR/cameraN.jsonl (N from 0). Ctrl-C ends it.
#
#   pipelines/rtsp-cameras.sh [-o OUTPUT_DIR] RTSP_URI...     (OUTPUT_DIR: out/rtsp-cameras)
#
# For each camera the branch below, `fallbacksrc ... ! fakesink`, one after the other in a single
# gst-launch-1.0 description. MODEL=... picks another detector.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements and fallbacksrc
out=$ROOT/out/rtsp-cameras
if [[ ${1:-} == -o ]]; then out=${2:?usage: pipelines/rtsp-cameras.sh [-o OUTPUT_DIR] RTSP_URI...}; shift 2; fi
(( $# )) || { echo "usage: pipelines/rtsp-cameras.sh [-o OUTPUT_DIR] RTSP_URI..." >&2; exit 2; }
model=${MODEL:-$ROOT/models/face_detection_short_range.tflite}
mkdir -p "$out"

description=()
n=0
for uri in "$@"; do
  description+=(
    fallbacksrc uri="$uri" enable-audio=false
    ! videoconvert
    ! ovdetect model="$model" model-instance-id=cameras
    ! ovmetapublish location="$out/camera$n.jsonl"
    ! fakesink
  )
  n=$((n + 1))
done
exec gst-launch-1.0 -e "${description[@]}"
