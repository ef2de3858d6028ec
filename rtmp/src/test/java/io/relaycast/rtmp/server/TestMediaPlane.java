package io.relaycast.rtmp.server;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A media plane that only takes local publications and counts what they carry: the RTMP server's tests check what
 * reaches the SFU's entry point (the SFU itself is proven in the web module's end-to-end tests).
 */
final class TestMediaPlane implements MediaPlane {
    /** One publication's received packets. */
    static final class Counted implements LocalPublication {
        final AtomicLong rtp = new AtomicLong();
        final AtomicLong rtcp = new AtomicLong();
        final AtomicLong videoRtp = new AtomicLong();
        final AtomicLong audioRtp = new AtomicLong();
        volatile boolean open = true;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            rtp.incrementAndGet();
            int pt = buf[off + 1] & 0x7F;
            (pt == 102 ? videoRtp : audioRtp).incrementAndGet();
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            rtcp.incrementAndGet();
        }

        @Override
        public void onKeyframeRequest(Runnable callback) {
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    final Map<String, Counted> publications = new ConcurrentHashMap<>();

    @Override
    public LocalPublication publishLocal(String streamId, String peerId, String sdpOffer, CandidateSink sink) {
        Counted c = new Counted();
        publications.put(streamId, c);
        return c;
    }

    @Override
    public boolean isPublished(String streamId) {
        Counted c = publications.get(streamId);
        return c != null && c.open;
    }

    @Override
    public String publish(String s, String p, String o, CandidateSink c) throws MediaException {
        throw new MediaException("UNSUPPORTED", "test");
    }

    @Override
    public String subscribe(String s, String p, CandidateSink c) throws MediaException {
        throw new MediaException("UNSUPPORTED", "test");
    }

    @Override
    public String answerViewer(String s, String p, String o, CandidateSink c) throws MediaException {
        throw new MediaException("UNSUPPORTED", "test");
    }

    @Override
    public void acceptAnswer(String s, String p, String a) {
    }

    @Override
    public void addRemoteCandidate(String s, String p, IceCandidate c) {
    }

    @Override
    public void close(String s, String p) {
    }

    @Override
    public void closeStream(String s) {
    }
}
