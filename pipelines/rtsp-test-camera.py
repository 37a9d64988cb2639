#!/usr/bin/python3
"""A live RTSP camera on this machine, for trying the RTSP pipelines without a camera.

    /usr/bin/python3 pipelines/rtsp-test-camera.py [--port 8554] [--image models/images/astronaut.png]

Serves rtsp://127.0.0.1:PORT/cam: a still image (a face for ovdetect, by default) or a test
pattern, as live H.264 (openh264enc, or x264enc when openh264enc is missing) through
gst-rtsp-server. Prints the URL on one line once it accepts clients; runs until killed. With
--port 0 it takes a free port. The tests use it as the camera that goes away and comes back.

Needs Debian's python3-gi and gir1.2-gst-rtsp-server-1.0 (./ovgst setup installs them).
"""

import argparse
import sys
from pathlib import Path

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def encoder():
    """The first H.264 encoder this GStreamer has, set up for a camera that clients join at any time."""
    # A key frame every second: a client that (re)connects decodes from the next one.
    if Gst.ElementFactory.find("openh264enc"):
        return "openh264enc gop-size={fps} complexity=low"
    if Gst.ElementFactory.find("x264enc"):
        return "x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps}"
    sys.exit("rtsp-test-camera: no H.264 encoder (openh264enc or x264enc): apt-get install gstreamer1.0-plugins-bad")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8554, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--path", default="/cam", help="the stream's path in the URL")
    parser.add_argument("--image", default=str(ROOT / "models/images/astronaut.png"),
                        help="picture to stream (PNG or JPEG); 'none' for a moving test pattern")
    parser.add_argument("--pattern", default="ball", help="videotestsrc pattern when --image none")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=15)
    args = parser.parse_args()

    Gst.init(None)
    if args.image == "none":
        source = f"videotestsrc is-live=true pattern={args.pattern}"
    else:
        if not Path(args.image).is_file():
            sys.exit(f"rtsp-test-camera: no image {args.image} (./ovgst setup fetches models/images/)")
        source = (f"filesrc location=\"{args.image}\" ! decodebin ! videoconvert"
                  " ! imagefreeze is-live=true")
    launch = (f"( {source} ! videoscale ! videoconvert ! video/x-raw,format=I420,width={args.width},"
              f"height={args.height},framerate={args.fps}/1 ! {encoder().format(fps=args.fps)}"
              " ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )")

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)  # one encoder for every client
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        sys.exit(f"rtsp-test-camera: cannot listen on 127.0.0.1:{args.port}")
    print(f"rtsp://127.0.0.1:{server.get_bound_port()}{args.path}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
