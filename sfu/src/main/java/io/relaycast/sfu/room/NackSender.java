package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.GenericNack;

import java.util.concurrent.atomic.LongAdder;

/**
 * Generic NACKs toward the publisher (RFC 4585 section 6.2.1) for what each video source is missing (see
 * {@link LossTracker} for the retry policy), checked every {@link #CHECK_MILLIS} at most; a source whose losses are
 * beyond repair gets a keyframe request through the room instead (section 6.3.1). Receive thread.
 */
final class NackSender {
    /** How often the missing list is looked at for NACKs toward the publisher. */
    static final long CHECK_MILLIS = 10;

    private final UpstreamRtcp rtcp;
    private final RecvStreams streams;
    private final Room room;
    private final int[] nackList = new int[LossTracker.CAPACITY];
    private long lastCheckMillis;
    private final LongAdder sent = new LongAdder();
    private final LongAdder hopeless = new LongAdder();

    NackSender(UpstreamRtcp rtcp, RecvStreams streams, Room room) {
        this.rtcp = rtcp;
        this.streams = streams;
        this.room = room;
    }

    /** After a packet of a loss-tracked source: NACK what is due, at most every {@link #CHECK_MILLIS}. */
    void onPacket(long nowMillis) {
        if (nowMillis - lastCheckMillis >= CHECK_MILLIS) {
            lastCheckMillis = nowMillis;
            requestMissing(nowMillis);
        }
    }

    private void requestMissing(long nowMillis) {
        int n = streams.count();
        for (int i = 0; i < n; i++) {
            RtpStreamRecv s = streams.get(i);
            if (s.loss == null) {
                continue;
            }
            if (s.loss.takeHopeless()) {
                hopeless.increment();
                if (s.forwarded) {
                    room.requestKeyframe();
                }
            }
            if (s.loss.missing() == 0) {
                continue;
            }
            int count = s.loss.collect(nowMillis, 0, nackList);
            if (count == 0 || !rtcp.isReady()) {
                continue;
            }
            synchronized (rtcp.lock) {
                int len = rtcp.beginCompound();
                int fb = len < 0 ? -1 : GenericNack.write(rtcp.out, len, rtcp.localSsrc, s.ssrc, nackList, 0, count);
                if (fb > 0 && rtcp.send(len + fb)) {
                    sent.increment();
                    io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.NACKS_SENT, 1);
                }
            }
        }
    }

    long sent() {
        return sent.sum();
    }

    long hopeless() {
        return hopeless.sum();
    }
}
