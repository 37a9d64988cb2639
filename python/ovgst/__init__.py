"""ovgst from Python: the regions, classifications and frames ovgst's elements attach, as Python objects.

With Debian's Python (python3-gi) after `eval "$(./ovgst env)"` (which puts this folder on PYTHONPATH):

    import ovgst
    for frame in ovgst.frames("filesrc location=video.mp4 ! decodebin ! videoconvert"
                              " ! ovdetect model=models/face_detection_short_range.tflite"):
        for r in frame.regions:
            print(frame.index, r.label, round(r.confidence, 2), r.x, r.y, r.w, r.h, r.id, r.attributes)

`frames(description)` runs a gst-launch-1.0 description (our elements anywhere in it) to its end, and
yields each frame that reaches its end; `regions(buffer)` and `classifications(buffer)` read a
Gst.Buffer of your own pipeline (in a pad probe, an appsink callback). A region is a
GstVideoRegionOfInterestMeta (box in pixels, label) with DL Streamer's parameter structures
("detection", "object_id", one per classification); PyGObject cannot walk a buffer's metas
(gst_buffer_iterate_meta is not introspectable), so they are read with ctypes on the buffer, as
DL Streamer's own Python bindings do.
"""

import ctypes
import math
import sys
from dataclasses import dataclass, field

try:
    import gi
except ImportError:
    # A python3 of pyenv, conda or a venv comes first on many PATHs; GStreamer's Python binding is
    # Debian's, built for Debian's Python.
    raise ImportError(
        f"ovgst needs PyGObject (gi) with GStreamer's introspection, which this Python ({sys.executable},"
        f" {sys.version.split()[0]}) does not have: run your program with Debian's /usr/bin/python3"
        " (python3-gi, installed by ./ovgst setup), e.g. /usr/bin/python3 detect.py,"
        " or make a venv with /usr/bin/python3 -m venv --system-site-packages") from None

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import GLib, Gst, GstApp  # noqa: E402, F401  (GstApp: the appsink's methods)

__all__ = ["Attribute", "Region", "Frame", "regions", "classifications", "frames"]

_gst = ctypes.CDLL("libgstreamer-1.0.so.0")
_gstvideo = ctypes.CDLL("libgstvideo-1.0.so.0")


class _Meta(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_int), ("info", ctypes.c_void_p)]


class _Roi(ctypes.Structure):
    """GstVideoRegionOfInterestMeta (gst/video/gstvideometa.h)."""

    _fields_ = [("meta", _Meta), ("roi_type", ctypes.c_uint32), ("id", ctypes.c_int), ("parent_id", ctypes.c_int),
                ("x", ctypes.c_uint), ("y", ctypes.c_uint), ("w", ctypes.c_uint), ("h", ctypes.c_uint),
                ("params", ctypes.c_void_p)]


class _GList(ctypes.Structure):
    pass


_GList._fields_ = [("data", ctypes.c_void_p), ("next", ctypes.POINTER(_GList)), ("prev", ctypes.POINTER(_GList))]


class _CustomMeta(ctypes.Structure):
    _fields_ = [("meta", _Meta), ("structure", ctypes.c_void_p)]


def _declare(library, name, restype, *argtypes):
    function = getattr(library, name)
    function.restype, function.argtypes = restype, list(argtypes)
    return function


_iterate = _declare(_gst, "gst_buffer_iterate_meta_filtered", ctypes.c_void_p, ctypes.c_void_p,
                    ctypes.POINTER(ctypes.c_void_p), ctypes.c_size_t)
_roi_api = _declare(_gstvideo, "gst_video_region_of_interest_meta_api_get_type", ctypes.c_size_t)
_meta_info = _declare(_gst, "gst_meta_get_info", ctypes.c_void_p, ctypes.c_char_p)
_name = _declare(_gst, "gst_structure_get_name", ctypes.c_char_p, ctypes.c_void_p)
_get_string = _declare(_gst, "gst_structure_get_string", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p)
_get_int = _declare(_gst, "gst_structure_get_int", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                    ctypes.POINTER(ctypes.c_int))
_get_double = _declare(_gst, "gst_structure_get_double", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                       ctypes.POINTER(ctypes.c_double))


@dataclass(frozen=True)
class Attribute:
    """What a classifier (ovclassify) said: DL Streamer's label, label_id, confidence and model_name."""

    name: str
    label: str
    label_id: int
    confidence: float
    model: str = None


@dataclass(frozen=True)
class Region:
    """A region of interest in pixels of its frame (the box may reach outside it).

    label, label_id and confidence are the detector's (None, -1, nan when it has none); id is the track id
    (ovtrack; 0 when untracked); region_id the region's id on its frame; attributes maps each
    classification's name to its Attribute."""

    x: int
    y: int
    w: int
    h: int
    label: str
    label_id: int
    confidence: float
    id: int = 0
    region_id: int = 0
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    """A frame that reached the end of the pipeline: its index from 0, times in ns (None when none), size,
    regions, and what classifiers said of the whole frame (name -> Attribute)."""

    index: int
    pts: int
    timestamp: int
    width: int
    height: int
    regions: list
    classifications: dict


def _int(structure, name):
    value = ctypes.c_int()
    return value.value if _get_int(structure, name.encode(), ctypes.byref(value)) else None


def _double(structure, name):
    value = ctypes.c_double()
    return value.value if _get_double(structure, name.encode(), ctypes.byref(value)) else math.nan


def _text(structure, name):
    value = _get_string(structure, name.encode())
    return value.decode() if value is not None else None


def _attribute(structure):
    """The classification in a structure named after it, or None for another kind of structure."""
    label = _text(structure, "label")
    if label is None:
        return None
    label_id = _int(structure, "label_id")
    return Attribute(_name(structure).decode(), label, -1 if label_id is None else label_id,
                     _double(structure, "confidence"), _text(structure, "model_name"))


def _metas(buffer, api, kind):
    state = ctypes.c_void_p()
    while True:
        meta = _iterate(hash(buffer), ctypes.byref(state), api)
        if not meta:
            return
        yield ctypes.cast(meta, ctypes.POINTER(kind)).contents


def regions(buffer):
    """The regions of interest on a Gst.Buffer, in the order they are on it."""
    found = []
    for roi in _metas(buffer, _roi_api(), _Roi):
        label, label_id, confidence, track, attributes = GLib.quark_to_string(roi.roi_type), -1, math.nan, 0, {}
        node = ctypes.cast(roi.params, ctypes.POINTER(_GList))
        while node:
            structure = node.contents.data
            name = _name(structure).decode()
            if name == "detection":
                label = _text(structure, "label") or label
                label_id = _int(structure, "label_id")
                label_id = -1 if label_id is None else label_id
                confidence = _double(structure, "confidence")
            elif name == "object_id":
                track = _int(structure, "id") or 0
            else:
                attribute = _attribute(structure)
                if attribute is not None:
                    attributes[attribute.name] = attribute
            node = node.contents.next
        found.append(Region(roi.x, roi.y, roi.w, roi.h, label, label_id, confidence, track, roi.id, attributes))
    return found


def classifications(buffer):
    """What classifiers said of the whole frame (ovclassify inference-region=full-frame): name -> Attribute."""
    info = _meta_info(b"GstOvTensorMeta")
    if not info:
        return {}
    api = ctypes.cast(info, ctypes.POINTER(ctypes.c_size_t)).contents.value  # GstMetaInfo.api, its first field
    found = {}
    for meta in _metas(buffer, api, _CustomMeta):
        attribute = _attribute(meta.structure)
        if attribute is not None:
            found[attribute.name] = attribute
    return found


def frames(description, timeout_seconds=None):
    """Runs a gst-launch-1.0 description and yields a Frame for each frame at its end.

    The description ends where the frames are wanted (an appsink is added after it). Raises RuntimeError
    naming the element and its message when the pipeline fails; stops at end of stream."""
    if not Gst.is_initialized():
        Gst.init(None)
    pipeline = Gst.parse_launch(description + " ! appsink name=ovgst_frames sync=false max-buffers=8")
    sink = pipeline.get_by_name("ovgst_frames")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    deadline = None if timeout_seconds is None else GLib.get_monotonic_time() + int(timeout_seconds * 1e6)
    index = 0
    try:
        while True:
            message = bus.pop_filtered(Gst.MessageType.ERROR)
            if message is not None:
                error, debug = message.parse_error()
                raise RuntimeError(f"{message.src.get_path_string()}: {error.message}\n{debug or ''}".strip())
            sample = sink.try_pull_sample(100 * Gst.MSECOND)
            if sample is None:
                if sink.is_eos():
                    return
                if deadline is not None and GLib.get_monotonic_time() > deadline:
                    raise TimeoutError(f"no end of stream within {timeout_seconds} s")
                continue
            buffer = sample.get_buffer()
            caps = sample.get_caps().get_structure(0)
            segment = sample.get_segment()
            pts = None if buffer.pts == Gst.CLOCK_TIME_NONE else buffer.pts
            stream_time = None if pts is None else segment.to_stream_time(Gst.Format.TIME, pts)
            yield Frame(index, pts, None if stream_time == Gst.CLOCK_TIME_NONE else stream_time,
                        caps.get_value("width"), caps.get_value("height"), regions(buffer), classifications(buffer))
            index += 1
    finally:
        pipeline.set_state(Gst.State.NULL)
