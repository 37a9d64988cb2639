#!/usr/bin/python3
"""Checks the ovgst Python module's reading of a buffer's metadata, without ovgst's elements: several
ROIs as another element attaches them (with and without DL Streamer's "detection" structure, a track
id, a classification), and a frame-level classification (GstOvTensorMeta).

Run by PythonExampleTest with PYTHONPATH=python; prints "ok" when everything reads back as attached."""

import math

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstVideo  # noqa: E402

import ovgst  # noqa: E402

Gst.init(None)
buffer = Gst.Buffer.new_allocate(None, 16, None)
for i in range(3):
    meta = GstVideo.buffer_add_video_region_of_interest_meta(buffer, f"label{i}", 10 * i, 20 * i, 5 + i, 6 + i)
    meta.id = i + 1
    meta.add_param(Gst.Structure.new_from_string(
        f"detection, label=(string)label{i}, label_id=(int){i}, confidence=(double){0.5 + i / 10}"))
GstVideo.buffer_add_video_region_of_interest_meta(buffer, "no-params", 1, 2, 3, 4)
tracked = GstVideo.buffer_add_video_region_of_interest_meta(buffer, "car", 7, 8, 9, 10)
tracked.add_param(Gst.Structure.new_from_string("object_id, id=(int)42"))
tracked.add_param(Gst.Structure.new_from_string(
    "color, label=(string)red, label_id=(int)3, confidence=(double)0.75, model_name=(string)colors"))

regions = ovgst.regions(buffer)
assert len(regions) == 5, regions
for i, region in enumerate(regions[:3]):
    assert (region.x, region.y, region.w, region.h) == (10 * i, 20 * i, 5 + i, 6 + i), region
    assert (region.label, region.label_id, region.region_id, region.id) == (f"label{i}", i, i + 1, 0), region
    assert abs(region.confidence - (0.5 + i / 10)) < 1e-9, region
    assert region.attributes == {}, region
assert regions[3].label == "no-params" and regions[3].label_id == -1 and math.isnan(regions[3].confidence), regions[3]
assert regions[4].id == 42 and regions[4].label == "car", regions[4]
assert regions[4].attributes == {"color": ovgst.Attribute("color", "red", 3, 0.75, "colors")}, regions[4]
assert ovgst.regions(Gst.Buffer.new_allocate(None, 16, None)) == []

Gst.Meta.register_custom("GstOvTensorMeta", [], None)
whole = Gst.Buffer.new_allocate(None, 16, None)
assert ovgst.classifications(whole) == {}
print("ok")
