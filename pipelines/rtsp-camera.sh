#!/usr/bin/env bash
# One RTSP camera that may go away and come back, into ovdetect. fallbacksrc keeps the pipeline
# running while the camera is away (black 320x240 frames, from `timeout` = 5 s after its last
# frame) and reconnects by itself when it returns. Every frame's faces go to OUTPUT.jsonl; the
# frames with their boxes drawn go to one-minute MP4 files OUTPUT-00000.mp4, OUTPUT-00001.mp4, ...
# Ctrl-C ends it cleanly (-e: end of stream, the last file finished).
#
#   pipelines/rtsp-camera.sh rtsp://user:password@camera/stream [OUTPUT]    (OUTPUT: out/rtsp-camera)
#
# No camera at hand? /usr/bin/python3 pipelines/rtsp-test-camera.py serves one at
# rtsp://127.0.0.1:8554/cam. MODEL=... picks another detector (README: "ovdetect: any detector").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements and fallbacksrc
uri=${1:?usage: pipelines/rtsp-camera.sh RTSP_URI [OUTPUT]}
out=${2:-$ROOT/out/rtsp-camera}
model=${MODEL:-$ROOT/models/face_detection_short_range.tflite}
mkdir -p "$(dirname "$out")"

# enable-audio=false: video only (else fallbacksrc adds a silent audio stream to a camera without one).
# Before the encoder, one size: the fallback frames have their own, and an MP4 file takes one.
exec gst-launch-1.0 -e \
  fallbacksrc uri="$uri" enable-audio=false \
  ! videoconvert \
  ! ovdetect model="$model" \
  ! ovmetapublish location="$out.jsonl" \
  ! ovwatermark \
  ! videoscale ! videoconvert ! video/x-raw,format=I420,width=1280,height=720,pixel-aspect-ratio=1/1 \
  ! openh264enc ! h264parse \
  ! splitmuxsink location="$out-%05d.mp4" max-size-time=60000000000
