package io.relaycast.sfu.room;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;

/**
 * Whatever takes a room's packets: a viewer ({@link Subscriber}), and later a recorder, the HLS bridge or a relay
 * to another node. The room's fan-out is one loop over its sinks: {@code if (sink.wants(p)) sink.send(p)}.
 *
 * <p>Every method runs on the publisher's receive thread, in packet order: return quickly, never block, never
 * throw for an ordinary condition (a throw is caught, counted and logged once per sink), copy what you keep.
 */
public interface PacketSink {

    /** A cheap filter, e.g. false for a viewer whose transport is not up yet or a tap that takes audio only. */
    boolean wants(MediaPacket packet);

    /** One packet; see {@link MediaPacket} for what may be done with it. */
    void send(MediaPacket packet);

    /**
     * The publisher's RTCP sender report (RFC 3550 section 6.4.1) for a forwarded source: the NTP wall-clock time
     * and the RTP timestamp of the same instant, which is what lets receivers synchronise audio with video.
     */
    default void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
    }

    /** A (new) publisher is in the room with these tracks; its packets follow. */
    default void onPublisher(PublishedTracks tracks) {
    }
}
