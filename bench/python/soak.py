#!/usr/bin/python3
"""The pipeline of `./ovgst bench --soak`, watched from inside: counts without printing a line a frame.

    /usr/bin/python3 bench/python/soak.py --row-seconds 10 DESCRIPTION

Runs a gst-launch-1.0 description whose first element after the source is `identity name=soak-in`
and whose sink is named `soak-out`, as gst-launch-1.0 would (PLAYING, the latency distributed
again on every LATENCY message, Ctrl-C or SIGTERM sends end of stream). The ovgst elements live in
the JVM that the loader plugin starts in this process, with its default options, as in
gst-launch-1.0. Every ROW seconds it prints one line

    soak-row FRAMES_IN FRAMES_OUT LATE LATENCY_NS

with totals since the start: buffers out of soak-in, buffers into soak-out, frames soak-out dropped
as late (its QoS messages), the latency the pipeline configured last (-1 before any). Other
messages (warnings, errors, end of stream) come as lines of their own. Exit 0 at end of stream.
Needs Debian's python3 with python3-gi.
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--row-seconds", type=float, default=10)
    parser.add_argument("description")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(args.description)
    counts = {"in": 0, "out": 0, "late": 0, "latency": -1}

    def counter(key):
        def probe(pad, info):
            counts[key] += 1
            return Gst.PadProbeReturn.OK
        return probe

    pipeline.get_by_name("soak-in").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, counter("in"))
    sink = pipeline.get_by_name("soak-out")
    sink.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, counter("out"))
    loop = GLib.MainLoop()
    outcome = {"exit": 1}

    def on_message(bus, message):
        kind = message.type
        if kind == Gst.MessageType.LATENCY:
            pipeline.recalculate_latency()
            query = Gst.Query.new_latency()
            if pipeline.query(query):
                counts["latency"] = query.parse_latency()[1]
        elif kind == Gst.MessageType.QOS and message.src == sink:
            counts["late"] += 1
        elif kind in (Gst.MessageType.ERROR, Gst.MessageType.WARNING):
            error, debug = message.parse_error() if kind == Gst.MessageType.ERROR else message.parse_warning()
            print(f"{kind.first_value_nick} from {message.src.get_path_string()}: {error.message} ({debug})",
                  flush=True)
            if kind == Gst.MessageType.ERROR:
                loop.quit()
        elif kind == Gst.MessageType.EOS:
            outcome["exit"] = 0
            loop.quit()

    def row():
        print(f"soak-row {counts['in']} {counts['out']} {counts['late']} {counts['latency']}", flush=True)
        return True

    def end_of_stream(*_):
        pipeline.send_event(Gst.Event.new_eos())
        return GLib.SOURCE_REMOVE

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.timeout_add(int(args.row_seconds * 1000), row)
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, end_of_stream)
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        # The element that refused says why on the bus.
        while (message := bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.WARNING)) is not None:
            on_message(bus, message)
        print("the pipeline refused to start", flush=True)
    else:
        loop.run()
    row()
    pipeline.set_state(Gst.State.NULL)
    sys.exit(outcome["exit"])


if __name__ == "__main__":
    main()
