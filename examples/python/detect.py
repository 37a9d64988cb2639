#!/usr/bin/python3
"""Detect faces in a picture with ovdetect from Python (PyGObject) and print the ROI metadata.

Run with Debian's Python (python3-gi, gir1.2-gst-plugins-base-1.0), not a pyenv/venv one:

    cd /work/main && eval "$(./ovgst env)"    # GST_PLUGIN_PATH, OVGST_HOME
    /usr/bin/python3 examples/python/detect.py models/images/astronaut.png

Options: --model FILE (default $OVGST_HOME/models/face_detection_short_range.tflite),
--threshold T (default 0.5), --frames N (default 5). Prints one line per detection:

    frame 0 pts 0:00:00.000000000 face 0.92 box 179,81,272,174 (l,t,r,b px) label_id 0 normalized 0.350,0.158,0.531,0.340

ovdetect is a Java element: GStreamer loads the ovgst loader plugin, which starts a JVM inside
this Python process the first time the element is made.

The metadata: each detected object is a GstVideoRegionOfInterestMeta (pixel box, label as
roi_type) with a "detection" parameter structure (label_id, confidence, normalized x_min, y_min,
x_max, y_max, label). PyGObject 3.42 with GStreamer 1.22 cannot walk a buffer's metas:
Gst.Buffer.iterate_meta/iterate_meta_filtered are not introspectable (gpointer* state),
foreach_meta hands the callback None, get_meta(api) gives an untyped Gst.Meta, and
GstVideo.buffer_get_video_region_of_interest_meta_id(buffer, id) finds only the first ROI with
that id (ovdetect's ROIs all have id 0). So, as DL Streamer's own Python bindings do, the metas
are iterated with ctypes on the GstBuffer pointer (hash(buffer) is the pointer), and the
"detection" structure comes back as a Gst.Structure.
"""

import argparse
import ctypes
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

_gst = ctypes.CDLL("libgstreamer-1.0.so.0")
_gstvideo = ctypes.CDLL("libgstvideo-1.0.so.0")
_glib = ctypes.CDLL("libglib-2.0.so.0")


class _GstMeta(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_int), ("info", ctypes.c_void_p)]


class RegionOfInterestMeta(ctypes.Structure):
    """GstVideoRegionOfInterestMeta (gst/video/gstvideometa.h), read in place."""

    _fields_ = [
        ("meta", _GstMeta),
        ("roi_type", ctypes.c_uint32),  # GQuark
        ("id", ctypes.c_int),
        ("parent_id", ctypes.c_int),
        ("x", ctypes.c_uint),
        ("y", ctypes.c_uint),
        ("w", ctypes.c_uint),
        ("h", ctypes.c_uint),
        ("params", ctypes.c_void_p),
    ]

    @property
    def type_name(self):
        return GLib.quark_to_string(self.roi_type)

    def get_param(self, name):
        """The parameter structure called name (a copy, as a Gst.Structure), or None."""
        structure = _gstvideo.gst_video_region_of_interest_meta_get_param(ctypes.byref(self), name.encode())
        if not structure:
            return None
        text = _gst.gst_structure_to_string(structure)
        try:
            return Gst.Structure.new_from_string(ctypes.string_at(text).decode())
        finally:
            _glib.g_free(text)


_gst.gst_buffer_iterate_meta_filtered.restype = ctypes.POINTER(RegionOfInterestMeta)
_gst.gst_buffer_iterate_meta_filtered.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_size_t]
_gstvideo.gst_video_region_of_interest_meta_get_param.restype = ctypes.c_void_p
_gstvideo.gst_video_region_of_interest_meta_get_param.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_gst.gst_structure_to_string.restype = ctypes.c_void_p
_gst.gst_structure_to_string.argtypes = [ctypes.c_void_p]
_glib.g_free.argtypes = [ctypes.c_void_p]
_gstvideo.gst_video_region_of_interest_meta_api_get_type.restype = ctypes.c_size_t


def roi_metas(buffer):
    """Every GstVideoRegionOfInterestMeta on buffer, in the order they were attached.

    The structs are read in place: use them only while the buffer is alive (inside the probe)."""
    api = _gstvideo.gst_video_region_of_interest_meta_api_get_type()
    state = ctypes.c_void_p()
    while True:
        meta = _gst.gst_buffer_iterate_meta_filtered(hash(buffer), ctypes.byref(state), api)
        if not meta:
            return
        yield meta.contents


def make(factory, **properties):
    element = Gst.ElementFactory.make(factory)
    if element is None:
        sys.exit(f"cannot make {factory}: is GST_PLUGIN_PATH set (eval \"$(./ovgst env)\")?")
    for name, value in properties.items():
        element.set_property(name.replace("_", "-"), value)
    return element


def time(ns):
    if ns == Gst.CLOCK_TIME_NONE:
        return "none"
    return f"{ns // 3600_000_000_000}:{ns // 60_000_000_000 % 60:02d}:{ns // 1_000_000_000 % 60:02d}.{ns % 1_000_000_000:09d}"


def on_buffer(pad, info, frames):
    try:
        describe(info.get_buffer(), frames)
    except Exception as error:  # an exception must not leave the probe: report it and go on
        print(f"probe failed: {error!r}", file=sys.stderr, flush=True)
    return Gst.PadProbeReturn.OK


def describe(buffer, frames):
    frame = len(frames)
    found = []
    for roi in roi_metas(buffer):
        detection = roi.get_param("detection")
        label = detection.get_string("label") if detection else roi.type_name
        confidence = detection.get_double("confidence")[1] if detection else float("nan")
        label_id = detection.get_int("label_id")[1] if detection else -1
        normalized = [detection.get_double(f)[1] for f in ("x_min", "y_min", "x_max", "y_max")] if detection else []
        found.append((label, confidence, roi.x, roi.y, roi.x + roi.w, roi.y + roi.h))
        print(f"frame {frame} pts {time(buffer.pts)} {label} {confidence:.2f} "
              f"box {roi.x},{roi.y},{roi.x + roi.w},{roi.y + roi.h} (l,t,r,b px) label_id {label_id} "
              f"normalized {','.join(f'{v:.3f}' for v in normalized)}", flush=True)
    if not found:
        print(f"frame {frame} pts {time(buffer.pts)} nothing", flush=True)
    frames.append(found)


def main():
    home = os.environ.get("OVGST_HOME", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", help="a PNG picture")
    parser.add_argument("--model", default=os.path.join(home, "models", "face_detection_short_range.tflite"))
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--frames", type=int, default=5)
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.Pipeline.new("detect")
    elements = [
        make("filesrc", location=args.image),
        make("pngdec"),
        make("imagefreeze", num_buffers=args.frames),
        make("videoconvert"),
        make("ovdetect", model=args.model, threshold=args.threshold),
        make("fakesink"),
    ]
    for element in elements:
        pipeline.add(element)
    for upstream, downstream in zip(elements, elements[1:]):
        if not upstream.link(downstream):
            sys.exit(f"cannot link {upstream.get_name()} to {downstream.get_name()}")
    detect = elements[4]
    print(f"ovdetect threshold={detect.get_property('threshold')} model={detect.get_property('model')}", flush=True)

    frames = []
    detect.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_buffer, frames)

    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message is None:
        sys.exit("timed out")
    if message.type == Gst.MessageType.ERROR:
        error, debug = message.parse_error()
        sys.exit(f"error from {message.src.get_name()}: {error.message}\n{debug}")
    print(f"EOS after {len(frames)} frames", flush=True)
    return 0 if len(frames) == args.frames else 1


if __name__ == "__main__":
    sys.exit(main())
