package io.relaycast.sfu.room;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.rtp.RtpHeaderReader;

/**
 * One decrypted RTP packet of the publisher on its way to the sinks: a reusable flyweight over the receive buffer,
 * filled once per packet by the {@link Publisher} and read by every {@link PacketSink}.
 *
 * <p>Sinks must not modify the bytes or the view (the next sink, and with forwarding workers other threads, read the
 * same ones at the same time) and must copy what they keep: the buffer belongs to the network layer or the
 * forwarding pool and is reused as soon as the fan-out returns.
 */
public final class MediaPacket {
    /** The longest packet forwarded through the workers' pooled buffers (an Ethernet MTU; viewers drop longer). */
    public static final int MAX_LENGTH = 1500;
    private final RtpHeaderReader header = new RtpHeaderReader();
    private MediaKind kind;
    private NegotiatedCodec codec;
    private long receivedAtMillis;
    private int layer = -1;
    private boolean keyframe;

    /** Reads the packet; false when it is not well-formed RTP. */
    boolean reset(byte[] buf, int off, int len) {
        return header.reset(buf, off, len);
    }

    void describe(MediaKind kind, NegotiatedCodec codec, long receivedAtMillis) {
        describe(kind, codec, receivedAtMillis, -1, false);
    }

    void describe(MediaKind kind, NegotiatedCodec codec, long receivedAtMillis, int layer, boolean keyframe) {
        this.kind = kind;
        this.codec = codec;
        this.receivedAtMillis = receivedAtMillis;
        this.layer = layer;
        this.keyframe = keyframe;
    }

    /** The simulcast layer (0 = lowest) of a simulcast video packet; -1 for a track that is not simulcast. */
    public int layer() {
        return layer;
    }

    /** True on the first packet of a keyframe of a simulcast layer (only computed for simulcast video). */
    public boolean keyframe() {
        return keyframe;
    }

    /** The parsed header, positioned on the packet's bytes ({@link RtpHeaderReader#buffer()} etc.). */
    public RtpHeaderReader header() {
        return header;
    }

    public byte[] buffer() {
        return header.buffer();
    }

    public int offset() {
        return header.offset();
    }

    public int length() {
        return header.length();
    }

    public MediaKind kind() {
        return kind;
    }

    /** The publisher's codec for this packet's payload type (with the publisher's payload type number). */
    public NegotiatedCodec codec() {
        return codec;
    }

    /** Wall-clock arrival, in milliseconds, taken once per packet for every sink. */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }
}
