#!/usr/bin/python3
"""Prints the detections of each frame of any picture or video, with ovgst's Python module.

    eval "$(./ovgst env)"      # PYTHONPATH (import ovgst), GST_PLUGIN_PATH (ovgst's elements)
    /usr/bin/python3 examples/python/detect.py models/images/astronaut.png [MODEL]

Debian's Python (python3-gi). Prints one line a detection: frame 0 face 0.92 box 179,81,93,93 id 1
"""
import os
import sys

import ovgst

model = sys.argv[2] if len(sys.argv) > 2 else f"{os.environ['OVGST_HOME']}/models/face_detection_short_range.tflite"
for frame in ovgst.frames(f'filesrc location="{sys.argv[1]}" ! decodebin ! videoconvert'
                          f' ! ovdetect model="{model}" ! ovtrack'):
    for r in frame.regions:
        print(f"frame {frame.index} {r.label} {r.confidence:.2f} box {r.x},{r.y},{r.w},{r.h} id {r.id}", flush=True)
