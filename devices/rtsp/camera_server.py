#!/usr/bin/python3
# An RTSP camera for tests and the demo: GStreamer's RTSP server, bound to
# 127.0.0.1, re-serving an H.264 MPEG-TS feed that ffmpeg sends to a loopback
# UDP port (see camera-server.ts). Run it with Debian's /usr/bin/python3, which
# has python3-gi and gir1.2-gst-rtsp-server-1.0.
#
#   camera_server.py --feed-port 40000 [--port 0] [--mount /camera]
#
# Prints "ready <port>" once it listens; SIGTERM or SIGINT stops it.
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="RTSP camera on 127.0.0.1")
    parser.add_argument("--feed-port", type=int, required=True,
                        help="loopback UDP port where ffmpeg sends MPEG-TS")
    parser.add_argument("--port", type=int, default=0, help="RTSP port; 0 picks a free one")
    parser.add_argument("--mount", default="/camera", help="path of the stream")
    options = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(options.port))

    # One shared pipeline for every viewer, as a camera has one encoder.
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f"( udpsrc address=127.0.0.1 port={options.feed_port} "
        "! application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96 "
        "! rtph264depay wait-for-keyframe=true ! h264parse config-interval=-1 "
        "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )
    factory.set_shared(True)
    server.get_mount_points().add_factory(options.mount, factory)

    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{options.port}", file=sys.stderr, flush=True)
        return 1

    loop = GLib.MainLoop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal_number, loop.quit)
    print(f"ready {server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
