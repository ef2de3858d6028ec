package io.relaycast.load;

import io.relaycast.load.rtc.Peer;
import io.relaycast.load.rtc.Sdp;
import io.relaycast.sfu.sdp.IceCandidate;
import io.relaycast.sfu.sdp.SessionDescription;
import io.socket.client.Socket;
import org.json.JSONObject;

import java.util.Map;

/**
 * One WebRTC viewer as a browser's watch page is one (contract: "WebRTC over Socket.IO"): {@code stream:join},
 * the SFU's offer in {@code stream:offer:received}, our answer in {@code stream:answer}, the SFU's candidates
 * trickled in {@code stream:ice-candidate:received}; then ICE, DTLS and SRTP on a {@link Peer} that counts RTP
 * packets without decrypting them (it decrypts video only until the first VP8 keyframe, for join → first frame).
 */
final class LoadViewer {
    final int index;
    final Peer peer;
    private final Rig rig;
    private final Failures failures;
    private final String streamId;
    private Socket socket;
    private volatile boolean failed;

    LoadViewer(int index, Rig rig, Failures failures, String streamId) throws java.io.IOException {
        this.index = index;
        this.rig = rig;
        this.failures = failures;
        this.streamId = streamId;
        this.peer = new Peer("viewer-" + index, Peer.Role.VIEWER, true, rig.certificate, 1 << 18);
    }

    void start(String signalingUrl, String token) {
        peer.tStart = System.nanoTime();
        socket = Signaling.socket(signalingUrl, token);
        socket.on(Socket.EVENT_CONNECT, a -> socket.emit("stream:join", new JSONObject(Map.of("streamId", streamId))));
        socket.on("stream:error", a -> fail("stream:error " + Signaling.field(a, "code"), Signaling.describe(a)));
        socket.on("stream:offer:received", a -> onOffer(Signaling.object(a)));
        socket.on("stream:ice-candidate:received", a -> onCandidate(Signaling.object(a)));
        Signaling.connect(socket, failures.retries, a -> fail(Signaling.connectError(a), Signaling.describe(a)));
    }

    private void onOffer(JSONObject m) {
        try {
            String sdp = m.getJSONObject("offer").getString("sdp");
            peer.tOffer = System.nanoTime();
            SessionDescription offer = Sdp.readCredentials(sdp, peer);
            String answer = Sdp.viewerAnswer(offer, peer, rig.certificate, true);
            rig.register(peer);
            socket.emit("stream:answer", new JSONObject(Map.of("streamId", streamId,
                    "answer", Map.of("type", "answer", "sdp", answer))));
            peer.tAnswerAccepted = System.nanoTime();
        } catch (Exception e) {
            fail("bad offer from the server", String.valueOf(e));
        }
    }

    private void onCandidate(JSONObject m) {
        try {
            Object c = m.opt("candidate");
            String line = c instanceof JSONObject o ? o.optString("candidate") : String.valueOf(c);
            if (line.isEmpty()) {
                return; // end of candidates
            }
            if (Sdp.connectTo(peer, IceCandidate.parse(line))) {
                rig.startChecks(peer);
            }
        } catch (Exception e) {
            fail("bad candidate from the server", String.valueOf(e));
        }
    }

    private void fail(String cause, String example) {
        if (!failed) {
            failed = true;
            failures.add(cause, example);
        }
    }

    boolean connected() {
        return peer.isReady();
    }

    boolean receiving() {
        return peer.received[1] + peer.received[0] > 0;
    }

    /** Ended without media: the reason for the summary (signaling, ICE or DTLS). */
    void classifyIfSilent() {
        if (failed || receiving()) {
            return;
        }
        if (peer.failure != null) {
            fail("DTLS handshake failed", peer.failure);
        } else if (peer.tOffer == 0) {
            fail("no offer from the server", null);
        } else if (peer.sfu == null) {
            fail("no UDP candidate from the server", null);
        } else if (!peer.isIceDone()) {
            fail("ICE did not connect", "no STUN answer from " + peer.sfu);
        } else if (!peer.isReady()) {
            fail("DTLS did not finish", null);
        } else {
            fail("connected but no media", null);
        }
    }

    void close() {
        if (socket != null) {
            socket.emit("stream:leave", new JSONObject(Map.of("streamId", streamId)));
            socket.close();
        }
        peer.close();
    }
}
