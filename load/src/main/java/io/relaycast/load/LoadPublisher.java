package io.relaycast.load;

import io.relaycast.load.rtc.Pacer;
import io.relaycast.load.rtc.Peer;
import io.relaycast.load.rtc.Sdp;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The synthetic broadcaster a run publishes when it is given no {@code --stream}: a Chrome-shaped offer (Opus and
 * VP8 with RTX) over WHIP (RFC 9725) with the stream key, ICE and DTLS from the {@link Peer}, then {@link Pacer}'s
 * VP8-shaped frames at the asked bitrate (30 fps, a keyframe every 2 s and on every PLI/FIR). Its packets carry
 * abs-send-time from this process's clock, so viewers here measure publisher → SFU → viewer latency.
 */
final class LoadPublisher implements AutoCloseable {
    private final LoadHttp http;
    private final String streamId;
    private final String streamKey;
    private final Peer peer;
    private Pacer pacer;
    private String location = "";

    LoadPublisher(LoadHttp http, Rig rig, String streamId, String streamKey) throws java.io.IOException {
        this.http = http;
        this.streamId = streamId;
        this.streamKey = streamKey;
        this.peer = new Peer("publisher", Peer.Role.PUBLISHER, false, rig.certificate, 1 << 20);
    }

    /** Publishes and waits until SRTP flows (ICE and DTLS done), at most {@code timeoutMs}. */
    void start(Rig rig, int videoKbps, long timeoutMs) throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long audio = r.nextLong(1, 1L << 32);
        long video = r.nextLong(1, 1L << 32);
        long rtx = r.nextLong(1, 1L << 32);
        peer.tStart = System.nanoTime();
        String[] answer = http.whip(streamId, streamKey, Sdp.publisherOffer(peer, rig.certificate, audio, video, rtx));
        location = answer[1];
        Sdp.readRemote(answer[0], peer);
        rig.register(peer);
        rig.startChecks(peer);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!peer.isReady() && peer.failure == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        if (!peer.isReady()) {
            throw new IllegalStateException("the synthetic publisher did not connect over WHIP ("
                    + (peer.failure != null ? peer.failure : peer.isIceDone() ? "DTLS did not finish" : "ICE did not connect to " + peer.sfu)
                    + ")");
        }
        pacer = new Pacer(Pacer.srtp(peer), audio, video, videoKbps * 1000, 60);
        peer.onKeyframeRequest = pacer::requestKeyframe;
        pacer.start();
    }

    long packetsSent() {
        Pacer p = pacer;
        return p == null ? 0 : p.videoPackets + p.audioPackets;
    }

    @Override
    public void close() {
        if (pacer != null) {
            pacer.stop();
        }
        try {
            http.whipDelete(location, streamKey);
        } catch (Exception e) {
            // the server closes the session on its own when the packets stop
        }
        peer.close();
    }
}
