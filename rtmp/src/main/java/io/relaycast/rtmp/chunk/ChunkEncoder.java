package io.relaycast.rtmp.chunk;

import io.netty.buffer.ByteBuf;

/**
 * Writes our messages as chunks (RTMP 1.0 section 5.3): a type 0 header, then type 3 continuation chunks of at most
 * the outgoing chunk size. We send only small control and command messages, so no header compression is attempted.
 */
public final class ChunkEncoder {
    /** Chunk stream ids as Adobe's servers use them: 2 is reserved for protocol control (section 5.3.1.1). */
    public static final int CONTROL_CSID = 2;
    public static final int COMMAND_CSID = 3;

    private int chunkSize = 128;

    public int chunkSize() {
        return chunkSize;
    }

    /** Takes effect for messages written after the Set Chunk Size that announced it. */
    public void chunkSize(int size) {
        this.chunkSize = size;
    }

    public void write(ByteBuf out, int csid, RtmpMessage m) {
        byte[] p = m.payload();
        boolean extended = m.timestamp() >= 0xFFFFFF;
        out.writeByte(csid & 0x3F); // fmt 0; csid 2-63 fits the one-octet form
        out.writeMedium(extended ? 0xFFFFFF : (int) m.timestamp());
        out.writeMedium(p.length);
        out.writeByte(m.typeId());
        out.writeIntLE(m.streamId());
        if (extended) {
            out.writeInt((int) m.timestamp());
        }
        int off = 0;
        while (true) {
            int n = Math.min(chunkSize, p.length - off);
            out.writeBytes(p, off, n);
            off += n;
            if (off >= p.length) {
                break;
            }
            out.writeByte(0xC0 | (csid & 0x3F)); // fmt 3
            if (extended) {
                out.writeInt((int) m.timestamp());
            }
        }
    }

    /** A 4-octet big-endian protocol control message (Set Chunk Size, Ack, Window Ack Size). */
    public static RtmpMessage control(int typeId, long value) {
        byte[] p = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return new RtmpMessage(typeId, 0, 0, p);
    }

    /** Set Peer Bandwidth (section 5.4.5): window size and limit type (2 = dynamic). */
    public static RtmpMessage peerBandwidth(long window, int limitType) {
        byte[] p = {(byte) (window >>> 24), (byte) (window >>> 16), (byte) (window >>> 8), (byte) window,
                (byte) limitType};
        return new RtmpMessage(RtmpMessage.SET_PEER_BANDWIDTH, 0, 0, p);
    }

    /** User Control Stream Begin (section 6.2, event 0) for message stream {@code streamId}. */
    public static RtmpMessage streamBegin(int streamId) {
        byte[] p = {0, 0, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8),
                (byte) streamId};
        return new RtmpMessage(RtmpMessage.USER_CONTROL, 0, 0, p);
    }
}
