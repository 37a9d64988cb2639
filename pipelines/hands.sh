#!/usr/bin/env bash
# Detect → track → classify: palms found in every frame (MediaPipe's palm detector), each with a
# track id that stays while it is the same hand (ovtrack), and classified Left or Right by the hand
# landmark model's handedness output (ovclassify), go to OUTPUT.jsonl; the frames with boxes, ids
# and handedness drawn to OUTPUT.mp4.
#
#   pipelines/hands.sh INPUT [OUTPUT]      (OUTPUT: out/<INPUT's name without extension>-hands)
#
# The handedness is classified again every RECLASSIFY frames of a track (default 10), and carried
# on the frames between.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements
in=${1:?usage: pipelines/hands.sh INPUT [OUTPUT]}
name=${in##*/}
out=${2:-$ROOT/out/${name%.*}-hands}
models=$ROOT/models
mkdir -p "$(dirname "$out")"

exec gst-launch-1.0 -e \
  filesrc location="$in" ! decodebin ! videoconvert ! video/x-raw,format=BGR \
  ! ovdetect model="$models/palm_detection_full.tflite" \
  ! ovtrack \
  ! ovclassify model="$models/hand_landmark_full.tflite" output-name=Identity_2 attribute-name=handedness \
      labels-file="$models/handedness_labels.txt" reclassify-interval="${RECLASSIFY:-10}" \
  ! ovmetapublish location="$out.jsonl" \
  ! ovwatermark \
  ! videoconvert ! openh264enc ! h264parse ! mp4mux ! filesink location="$out.mp4"
