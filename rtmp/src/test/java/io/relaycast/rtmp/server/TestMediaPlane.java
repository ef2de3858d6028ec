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
        /** RFC 6184 NAL unit type of the first video packet (FU-A: the fragmented unit's type), -1 before one. */
        volatile int firstVideoNalType = -1;
        volatile Runnable keyframeRequest;
        final boolean viewerAtStart;

        Counted(boolean viewerAtStart) {
            this.viewerAtStart = viewerAtStart;
        }

        /** A viewer or tap joins and asks for a keyframe, as the SFU's room would on its behalf. */
        void viewerJoins() {
            keyframeRequest.run();
        }

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            rtp.incrementAndGet();
            int pt = buf[off + 1] & 0x7F;
            if (pt == 102 && videoRtp.getAndIncrement() == 0) {
                int nal = buf[off + 12] & 0x1F; // the packetizer writes a 12-octet header
                firstVideoNalType = nal == 28 ? buf[off + 13] & 0x1F : nal == 24 ? buf[off + 15] & 0x1F : nal;
            } else if (pt != 102) {
                audioRtp.incrementAndGet();
            }
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            rtcp.incrementAndGet();
        }

        @Override
        public void onKeyframeRequest(Runnable callback) {
            keyframeRequest = callback;
            if (viewerAtStart) {
                callback.run();
            }
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
    private final boolean viewerAtStart;

    /** A plane whose every publication has a viewer from the start (it asks for a keyframe at once). */
    TestMediaPlane() {
        this(true);
    }

    /** @param viewerAtStart false: nobody asks for a keyframe until a test calls {@link Counted#viewerJoins} */
    TestMediaPlane(boolean viewerAtStart) {
        this.viewerAtStart = viewerAtStart;
    }

    @Override
    public LocalPublication publishLocal(String streamId, String peerId, String sdpOffer, CandidateSink sink) {
        Counted c = new Counted(viewerAtStart);
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
