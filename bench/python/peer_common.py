"""What the Python peers of `./ovgst bench` share: command line, pipeline, pre-processing, result.

The peers are what a user would write to run an OpenVINO model on GStreamer frames without
ovdetect: `<source> ! appsink`, each frame pulled into a NumPy array and given to OpenVINO, whose
pre-processing (openvino.preprocess.PrePostProcessor) resizes it to the model's input, converts
its colors and normalizes it. They differ only in how they call OpenVINO:

    appsink_sync.py        one synchronous inference after another, documented order, hint LATENCY
    appsink_async.py       AsyncInferQueue, documented order, hint THROUGHPUT
    appsink_async_fast.py  AsyncInferQueue, fast order (resize first, on u8), hint THROUGHPUT

Run them with Debian's python3 (it has PyGObject) and the project venv's NumPy and OpenVINO:

    PYTHONPATH=.venv/lib/python3.11/site-packages /usr/bin/python3 bench/python/appsink_async.py \\
        --model models/face_detection_short_range.tflite --width 1280 --height 720 --frames 300

The last line on stdout is the result, one JSON object:

    {"peer": "appsink_async", "frames": 300, "fps": 512.3, "first_to_last_s": 0.5837}

fps is (frames - 1) / first_to_last_s, the time from the first completed inference to the last:
start-up (model compilation, pipeline start) is left out, as the bench does for ovdetect. Any
pipeline error, a frame not inferred, or a model without an image input ends the program with a
message on stderr and exit status 1.
"""

import argparse
import json
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstApp, GstVideo  # noqa: E402,F401 (GstApp: appsink's methods)

import numpy as np  # noqa: E402
import openvino as ov  # noqa: E402
import openvino.properties.hint as hints  # noqa: E402
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm  # noqa: E402

# OpenVINO's documented order: to f32 first, then colors, size and normalization on floats.
DOCUMENTED = "documented"
# The same steps with the resize first, on the frame's u8 bytes: everything after it runs at the
# model's (small) input size instead of the frame's.
FAST = "fast"

LATENCY = hints.PerformanceMode.LATENCY
THROUGHPUT = hints.PerformanceMode.THROUGHPUT


def fail(message):
    """Ends the program with `message` on stderr and exit status 1."""
    sys.exit(f"{os.path.basename(sys.argv[0])}: error: {message}")


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", required=True, help="model file (OpenVINO IR .xml, ONNX, TFLite, ...)")
    parser.add_argument("--width", type=int, required=True, help="frame width")
    parser.add_argument("--height", type=int, required=True, help="frame height")
    parser.add_argument("--frames", type=int, required=True, help="frames to infer")
    parser.add_argument("--source", default="videotestsrc pattern=black",
                        help="gst-launch-1.0 description of the source; its first element gets"
                             " num-buffers=FRAMES (default: %(default)s)")
    parser.add_argument("--mean", type=float, default=127.5, help="subtracted from 0-255 values (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=127.5, help="then divided by (default: %(default)s)")
    parser.add_argument("--color", choices=["RGB", "BGR"], default="RGB",
                        help="color order the model takes (default: %(default)s)")
    parser.add_argument("--device", default="CPU", help="OpenVINO device (default: %(default)s)")
    parser.add_argument("--dump-first", metavar="PATH",
                        help="save the first frame's first output to PATH with numpy.save")
    args = parser.parse_args()
    if args.width < 1 or args.height < 1 or args.frames < 1:
        parser.error("--width, --height and --frames must be at least 1")
    return args


def image_input(model):
    """The name of the model's image input and its layout: a 4-D input with 3 channels first or last."""
    for port in model.inputs:
        shape = port.get_partial_shape()
        if shape.rank.is_dynamic or shape.rank.get_length() != 4:
            continue
        dims = [d.get_length() if d.is_static else None for d in shape]
        if dims[1] == 3:
            layout, (height, width) = "NCHW", dims[2:4]
        elif dims[3] == 3:
            layout, (height, width) = "NHWC", dims[1:3]
        else:
            continue
        if height is None or width is None:
            fail(f"the input {port.get_any_name()} {shape} has no fixed size to resize the frames to")
        return port.get_any_name(), layout
    inputs = ", ".join(f"{port.get_any_name()} {port.get_partial_shape()}" for port in model.inputs)
    fail(f"{model.friendly_name} has no image input (4-D, 3 channels first or last); its inputs: {inputs}")


def preprocessed_model(args, order):
    """The model with OpenVINO's pre-processing in front: it takes the frames as they come, u8 BGR."""
    core = ov.Core()
    model = core.read_model(args.model)
    name, layout = image_input(model)
    ppp = PrePostProcessor(model)
    ppp.input(name).tensor() \
        .set_element_type(ov.Type.u8) \
        .set_shape([1, args.height, args.width, 3]) \
        .set_layout(ov.Layout("NHWC")) \
        .set_color_format(ColorFormat.BGR)
    ppp.input(name).model().set_layout(ov.Layout(layout))
    color = ColorFormat.RGB if args.color == "RGB" else ColorFormat.BGR
    steps = ppp.input(name).preprocess()
    if order == DOCUMENTED:
        steps.convert_element_type(ov.Type.f32).convert_color(color).resize(ResizeAlgorithm.RESIZE_LINEAR)
    elif order == FAST:
        steps.resize(ResizeAlgorithm.RESIZE_LINEAR).convert_color(color).convert_element_type(ov.Type.f32)
    else:
        raise ValueError(f"unknown order {order!r}")
    steps.mean(args.mean).scale(args.scale)
    return core, ppp.build()


def compile_model(args, order, hint):
    core, model = preprocessed_model(args, order)
    return core.compile_model(model, args.device, {hints.performance_mode: hint})


def frames(args):
    """Runs `<source> ! appsink` and yields each frame as a [1, height, width, 3] u8 BGR array.

    An array is valid until the next one is asked for. A pipeline error ends the program.
    """
    Gst.init(None)
    element, _, properties = args.source.strip().partition(" ")
    description = (f"{element} num-buffers={args.frames} {properties}".rstrip()
                   + f" ! video/x-raw,format=BGR,width={args.width},height={args.height}"
                   " ! appsink name=sink sync=false max-buffers=8")  # blocks when full, never drops
    try:
        pipeline = Gst.parse_launch(description)
    except GLib.Error as e:
        fail(f"{description}: {e.message}")
    sink = pipeline.get_by_name("sink")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    try:
        while True:
            sample = sink.try_pull_sample(100 * Gst.MSECOND)
            error = bus.pop_filtered(Gst.MessageType.ERROR)
            if error:
                gerror, debug = error.parse_error()
                fail(f"pipeline error from {error.src.get_name()}: {gerror.message}\n{debug}")
            if sample is None:
                if sink.is_eos():
                    return
                continue
            # Rows may be padded (to 4 bytes in GStreamer's default layout): strides from the caps.
            stride = GstVideo.VideoInfo.new_from_caps(sample.get_caps()).stride[0]
            buffer = sample.get_buffer()
            ok, info = buffer.map(Gst.MapFlags.READ)
            if not ok:
                fail("cannot map a frame")
            try:
                # An array over the mapped bytes, no copy of ours. (Without gst-python's overrides,
                # package python3-gst-1.0, PyGObject gives info.data as a copy, in bytes.)
                yield np.ndarray((1, args.height, args.width, 3), np.uint8, info.data,
                                 strides=(args.height * stride, stride, 3, 1))
            finally:
                buffer.unmap(info)
    finally:
        pipeline.set_state(Gst.State.NULL)


class Results:
    """When each inference completed; the first frame's first output saved if asked."""

    def __init__(self, peer, args):
        self.peer = peer
        self.args = args
        self.times = []  # list.append is atomic: safe from OpenVINO's callback threads

    def completed(self, frame_index, first_output):
        self.times.append(time.perf_counter())
        if frame_index == 0 and self.args.dump_first:
            np.save(self.args.dump_first, first_output)

    def report(self):
        """Prints the result line; fails unless every frame was inferred."""
        count = len(self.times)
        if count != self.args.frames:
            fail(f"{count} of {self.args.frames} frames inferred")
        seconds = max(self.times) - min(self.times)
        fps = (count - 1) / seconds if count > 1 and seconds > 0 else 0.0
        print(json.dumps({"peer": self.peer, "frames": count, "fps": round(fps, 2),
                          "first_to_last_s": round(seconds, 6)}), flush=True)
