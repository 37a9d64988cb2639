#!/usr/bin/python3
"""Sets ovdetect's properties from Python (PyGObject: g_object_set_property with a GValue) and
prints what the element made of them. Run by PropertyChangesTest, which judges the output.

    property_changes_check.py at-start MODEL
        nireq=100, then threshold=2.0, each set in NULL state on its own pipeline that then
        plays: prints the value read back and the first ERROR (or EOS) of each run.

    property_changes_check.py choice MODEL
        model-type given by its name (anchor_ssd) in the description, then by its nick (auto)
        with gst_util_set_object_arg: prints the nick read back, and how a short run ended.

    property_changes_check.py while-playing MODEL IMAGE
        a still picture looping at 30 fps through ovdetect: prints whether each frame had a
        region of interest, sets threshold=1.0, nireq=4 and threshold=1.5 while PLAYING (with the
        WARNINGs they post and the values read back), then nireq=4 again after stopping.
"""

import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
import ovgst  # noqa: E402  (its ROI reader)

PROBLEMS = Gst.MessageType.ERROR | Gst.MessageType.WARNING | Gst.MessageType.EOS


def say(text):
    print(text, flush=True)


def describe(message):
    if message.type == Gst.MessageType.EOS:
        return "EOS"
    kind, (error, _) = ("ERROR", message.parse_error()) if message.type == Gst.MessageType.ERROR \
        else ("WARNING", message.parse_warning())
    return f"{kind} from {message.src.get_path_string()}: {error.message}"


def at_start(model):
    for name, value in (("nireq", 100), ("threshold", 2.0)):
        pipeline = Gst.parse_launch(f"videotestsrc num-buffers=5 ! videoconvert ! ovdetect name=det model={model}"
                                    " ! fakesink")
        det = pipeline.get_by_name("det")
        det.set_property(name, value)
        say(f"{name} set to {det.get_property(name)}")
        pipeline.set_state(Gst.State.PLAYING)
        message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
        say(describe(message) if message else "no ERROR or EOS within 60 s")
        pipeline.set_state(Gst.State.NULL)


def choice(model):
    pipeline = Gst.parse_launch(f"videotestsrc num-buffers=3 ! videoconvert ! ovdetect name=det model={model}"
                                " model-type=anchor_ssd ! fakesink")
    det = pipeline.get_by_name("det")
    say(f"model-type=anchor_ssd reads {det.get_property('model-type').value_nick}")
    Gst.util_set_object_arg(det, "model-type", "auto")
    say(f"model-type=auto reads {det.get_property('model-type').value_nick}")
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
    say(describe(message) if message else "no ERROR or EOS within 60 s")
    pipeline.set_state(Gst.State.NULL)


class Run:
    """A pipeline that plays until stopped, and the bus messages it posted."""

    def __init__(self, description):
        self.pipeline = Gst.parse_launch(description)
        self.bus = self.pipeline.get_bus()
        self.messages = []

    def wait(self, condition, seconds, what):
        deadline = time.monotonic() + seconds
        while not condition():
            message = self.bus.timed_pop_filtered(50 * Gst.MSECOND, PROBLEMS)
            if message:
                self.messages.append(describe(message))
                say(self.messages[-1])
                if message.type != Gst.MessageType.WARNING:
                    sys.exit(f"stopped while waiting for {what}")
            if time.monotonic() > deadline:
                sys.exit(f"no {what} within {seconds} s")

    def warning_after(self, change):
        before = len(self.messages)
        change()
        self.wait(lambda: len(self.messages) > before, 10, "WARNING")


def while_playing(model, image):
    run = Run(f"filesrc location={image} ! pngdec ! imagefreeze ! videoconvert ! video/x-raw,framerate=30/1"
              f" ! ovdetect name=det model={model} ! fakesink sync=true")
    det = run.pipeline.get_by_name("det")
    frames = []  # per frame leaving ovdetect: whether it carries a region of interest

    def on_buffer(pad, info):
        try:
            frames.append(bool(ovgst.regions(info.get_buffer())))
        except Exception as error:  # nothing may leave the probe
            say(f"probe failed: {error!r}")
        return Gst.PadProbeReturn.OK

    det.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_buffer)
    run.pipeline.set_state(Gst.State.PLAYING)
    run.wait(lambda: len(frames) >= 5, 60, "5 frames")

    det.set_property("threshold", 1.0)
    changed_at = len(frames)
    say(f"threshold set to {det.get_property('threshold')} after frame {changed_at}")
    run.wait(lambda: len(frames) >= changed_at + 20, 30, "20 more frames")

    run.warning_after(lambda: det.set_property("nireq", 4))
    say(f"nireq is {det.get_property('nireq')}")
    run.warning_after(lambda: det.set_property("threshold", 1.5))
    say(f"threshold is {det.get_property('threshold')}")

    run.pipeline.set_state(Gst.State.NULL)
    say("faces before: " + "".join("1" if f else "0" for f in frames[:changed_at]))
    say("faces after: " + "".join("1" if f else "0" for f in frames[changed_at:]))
    det.set_property("nireq", 4)
    say(f"stopped; nireq set to {det.get_property('nireq')}")


def main():
    Gst.init(None)
    mode = {"at-start": at_start, "choice": choice, "while-playing": while_playing}[sys.argv[1]]
    mode(*sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
