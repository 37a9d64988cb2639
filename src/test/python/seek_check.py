"""Seeks a file through ovdetect: the duration query and the flushing seek cross the element.

Usage: seek_check.py VIDEO.mp4 MODEL SEEK_SECONDS
Prints: duration=<s> frames=<n> first=<s> last=<s>
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

video, model, target = sys.argv[1], sys.argv[2], float(sys.argv[3])
Gst.init(None)
pipeline = Gst.parse_launch(
    f"filesrc location={video} ! qtdemux ! avdec_h264 ! videoconvert "
    f"! ovdetect model={model} ! fakesink name=sink sync=false")
times = []
pipeline.get_by_name("sink").get_static_pad("sink").add_probe(
    Gst.PadProbeType.BUFFER, lambda pad, info: times.append(info.get_buffer().pts) or Gst.PadProbeReturn.OK)
pipeline.set_state(Gst.State.PAUSED)
pipeline.get_state(30 * Gst.SECOND)
_, duration = pipeline.query_duration(Gst.Format.TIME)
times.clear()
if not pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, int(target * Gst.SECOND)):
    sys.exit("seek refused")
pipeline.get_state(30 * Gst.SECOND)
pipeline.set_state(Gst.State.PLAYING)
message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
pipeline.set_state(Gst.State.NULL)
if message is None or message.type != Gst.MessageType.EOS:
    sys.exit(f"no end of stream: {message.parse_error() if message else 'timeout'}")
print(f"duration={duration / Gst.SECOND} frames={len(times)} first={times[0] / Gst.SECOND} last={times[-1] / Gst.SECOND}")
