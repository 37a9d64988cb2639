#!/usr/bin/python3
"""Checks examples/python/detect.py's ROI reading on a buffer with several ROIs (no ovdetect needed).

Run by PythonExampleTest; alone: /usr/bin/python3 src/test/python/roi_metas_check.py. Exits 0 and
prints "ok" when every ROI comes back in order with its box and "detection" parameters."""

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "examples", "python"))

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstVideo  # noqa: E402

import detect  # noqa: E402

Gst.init(None)
buffer = Gst.Buffer.new_allocate(None, 16, None)
for i in range(3):
    meta = GstVideo.buffer_add_video_region_of_interest_meta(buffer, f"label{i}", 10 * i, 20 * i, 5 + i, 6 + i)
    params = Gst.Structure.new_empty("detection")
    params.set_value("confidence", 0.5 + i / 10)
    params.set_value("label", f"label{i}")
    meta.add_param(params)
GstVideo.buffer_add_video_region_of_interest_meta(buffer, "no-params", 1, 2, 3, 4)

rois = list(detect.roi_metas(buffer))
assert len(rois) == 4, len(rois)
for i, roi in enumerate(rois[:3]):
    assert roi.type_name == f"label{i}", roi.type_name
    assert (roi.x, roi.y, roi.w, roi.h) == (10 * i, 20 * i, 5 + i, 6 + i), (roi.x, roi.y, roi.w, roi.h)
    detection = roi.get_param("detection")
    assert detection.get_name() == "detection"
    assert abs(detection.get_double("confidence")[1] - (0.5 + i / 10)) < 1e-9
    assert detection.get_string("label") == f"label{i}"
    assert roi.get_param("other") is None
assert rois[3].type_name == "no-params" and rois[3].get_param("detection") is None
assert list(detect.roi_metas(Gst.Buffer.new_allocate(None, 16, None))) == []
print("ok")
