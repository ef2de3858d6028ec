#!/usr/bin/python3
"""A GStreamer webrtcbin WHIP publisher (RFC 9725), as a non-browser encoder would publish.

Usage: whip_webrtcbin.py <whip-url> <stream-key> <seconds> [keyframe-interval-frames]

videotestsrc -> vp8enc -> webrtcbin and audiotestsrc -> opusenc -> webrtcbin; the offer is POSTed once ICE
gathering is complete (no trickle), the answer applied, then media flows for <seconds>, and the session is ended
with DELETE on the resource URL. Prints one line per step ("offer", "answer 201", "connected", "done") and the
HTTP status and body on a refusal (exit 3), so the Java test can say why it failed.

The encoder makes a keyframe every <keyframe-interval-frames> frames (default 30, 1 s at 30 fps) on its own; a
keyframe request from the SFU reaches it as an upstream GstForceKeyUnit event, which the script reports as a
"keyframe requested" line, one per PLI or FIR webrtcbin's RTP session acts on. With a long interval a viewer's
first picture then shows whether the SFU's keyframe request reached the encoder.
"""
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PIPELINE = (
    "webrtcbin name=send bundle-policy=max-bundle "
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! "
    "vp8enc name=venc deadline=1 keyframe-max-dist={keyframe_interval} target-bitrate=500000 ! rtpvp8pay pt=96 ! "
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! send. "
    "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! send. "
)


def main():
    url, key, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keyframe_interval = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    Gst.init(None)
    pipe = Gst.parse_launch(PIPELINE.format(keyframe_interval=keyframe_interval))
    started = GLib.get_monotonic_time()

    def on_upstream_event(_pad, info):
        event = info.get_event()
        st = event.get_structure() if event is not None else None
        if st is not None and st.get_name() == "GstForceKeyUnit":
            print("keyframe requested %d ms" % ((GLib.get_monotonic_time() - started) // 1000), flush=True)
        return Gst.PadProbeReturn.OK

    pipe.get_by_name("venc").get_static_pad("src").add_probe(Gst.PadProbeType.EVENT_UPSTREAM, on_upstream_event)
    webrtc = pipe.get_by_name("send")
    loop = GLib.MainLoop()
    state = {"resource": None, "exit": 0}

    def fail(msg, code=3):
        print(msg, flush=True)
        state["exit"] = code
        loop.quit()

    def post_offer():
        offer = webrtc.get_property("local-description").sdp.as_text()
        print("offer", flush=True)
        req = urllib.request.Request(url, data=offer.encode(), method="POST", headers={
            "Content-Type": "application/sdp", "Authorization": "Bearer " + key})
        try:
            with urllib.request.urlopen(req, timeout=20) as res:
                answer, status = res.read().decode(), res.status
                state["resource"] = urllib.parse.urljoin(url, res.headers.get("Location") or "")
        except urllib.error.HTTPError as e:
            fail("refused %d %s" % (e.code, e.read().decode(errors="replace")))
            return False
        except urllib.error.URLError as e:
            fail("unreachable %s" % e.reason)
            return False
        print("answer %d" % status, flush=True)
        ok, sdp = GstSdp.SDPMessage.new_from_text(answer)
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        webrtc.emit("set-remote-description", desc, Gst.Promise.new())
        return False

    def on_gathering(element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(post_offer)

    def on_connection(element, _pspec):
        s = element.get_property("connection-state")
        if s == GstWebRTC.WebRTCPeerConnectionState.CONNECTED:
            print("connected", flush=True)
        elif s == GstWebRTC.WebRTCPeerConnectionState.FAILED:
            fail("connection failed", 4)

    def on_offer_created(promise, _element, _data):
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply is not None else None
        if offer is None:
            fail("no offer: %s" % (reply.to_string() if reply is not None else "no reply"), 5)
            return
        webrtc.emit("set-local-description", offer, Gst.Promise.new())

    def on_negotiation_needed(element):
        # fired again when the second sink pad gets caps; one offer covers both (no renegotiation here)
        if state.get("offered"):
            return
        state["offered"] = True
        element.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer_created, element, None))

    webrtc.connect("on-negotiation-needed", on_negotiation_needed)
    webrtc.connect("notify::ice-gathering-state", on_gathering)
    webrtc.connect("notify::connection-state", on_connection)
    for t in range(2):  # send-only transceivers
        tr = webrtc.emit("get-transceiver", t)
        if tr is not None:
            tr.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)

    bus = pipe.get_bus()
    bus.add_signal_watch()
    bus.connect("message::error", lambda _b, m: fail("pipeline error: %s" % (m.parse_error(),), 5))
    pipe.set_state(Gst.State.PLAYING)
    GLib.timeout_add_seconds(seconds, loop.quit)
    loop.run()
    if state["resource"]:
        try:
            urllib.request.urlopen(urllib.request.Request(state["resource"], method="DELETE",
                                                          headers={"Authorization": "Bearer " + key}), timeout=5)
        except Exception as e:  # the stream may already be gone
            print("delete: %s" % e, flush=True)
    pipe.set_state(Gst.State.NULL)
    print("done", flush=True)
    sys.exit(state["exit"])


if __name__ == "__main__":
    main()
