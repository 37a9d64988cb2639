#!/usr/bin/env bash
# A video file: faces found in every frame, each with a track id that stays while it is the same
# face (ovtrack), go to OUTPUT.jsonl (one JSON object per frame), and the frames with their boxes
# and ids drawn to OUTPUT.mp4. decodebin reads any container and codec that GStreamer has a plugin
# for.
#
#   pipelines/file.sh INPUT [OUTPUT]       (OUTPUT: out/<INPUT's name without extension>)
#
# MODEL=... picks another detector (README: "ovdetect: any detector").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements
in=${1:?usage: pipelines/file.sh INPUT [OUTPUT]}
name=${in##*/}
out=${2:-$ROOT/out/${name%.*}}
model=${MODEL:-$ROOT/models/face_detection_short_range.tflite}
mkdir -p "$(dirname "$out")"

exec gst-launch-1.0 -e \
  filesrc location="$in" ! decodebin ! videoconvert \
  ! ovdetect model="$model" \
  ! ovtrack \
  ! ovmetapublish location="$out.jsonl" \
  ! ovwatermark \
  ! videoconvert ! openh264enc ! h264parse ! mp4mux ! filesink location="$out.mp4"
