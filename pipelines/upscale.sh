#!/usr/bin/env bash
# A video file doubled in size by a super-resolution model (frame processing, ovprocess): waifu2x's
# upconv_7 by default, which ovgst fetched to models/scale2.0x_model.onnx. The output's size comes
# from the model: no caps filter after ovprocess. The frames go to OUTPUT.mp4.
#
#   pipelines/upscale.sh INPUT [OUTPUT]    (OUTPUT: out/<INPUT's name without extension>-2x)
#
# MODEL=... picks another image-to-image model (README: "ovprocess"). waifu2x takes about 1.3 s a
# 640x480 frame on two cores (0.33 s at 320x240): scale the input down first for a quick look.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$ROOT/ovgst" env)"   # set-up if needed; GST_PLUGIN_PATH for ovgst's elements
in=${1:?usage: pipelines/upscale.sh INPUT [OUTPUT]}
name=${in##*/}
out=${2:-$ROOT/out/${name%.*}-2x}
model=${MODEL:-$ROOT/models/scale2.0x_model.onnx}
mkdir -p "$(dirname "$out")"

exec gst-launch-1.0 -e \
  filesrc location="$in" ! decodebin ! videoconvert \
  ! ovprocess model="$model" \
  ! videoconvert ! openh264enc ! h264parse ! mp4mux ! filesink location="$out.mp4"
