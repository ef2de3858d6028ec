package io.relaycast.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * Reassembles RTMP messages from the chunk stream (RTMP 1.0 section 5.3). Incremental: {@link #decode} consumes
 * whole chunks only and leaves a partial chunk in the buffer for the next call. State is kept per chunk stream id:
 * the last message header (for chunk types 1-3, section 5.3.1.2) and the message being reassembled.
 *
 * <p>Limits: the chunk size a peer announces, the message length, and the number of chunk streams in use; any
 * breach, and any malformed header, is an {@link RtmpProtocolException} after which the decoder must not be used.
 */
public final class ChunkDecoder {
    private static final int EXTENDED = 0xFFFFFF;
    /** First buffer of a message (audio frames and most P-frames fit); doubled as its chunks arrive, so a message costs at
     * most twice what was received, and a connection at most max-chunk-streams x 16 KiB for what it announced. */
    private static final int INITIAL_BUFFER = 16 * 1024;

    /** What the decoder remembers of one chunk stream (section 5.3.1.2: types 1-3 reuse the previous header). */
    private static final class ChunkStream {
        long timestamp;
        long delta;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        boolean started;
        byte[] payload;
        int filled;
    }

    private final int maxChunkSize;
    private final int maxMessageSize;
    private final int maxChunkStreams;
    private final java.util.Map<Integer, ChunkStream> streams = new java.util.HashMap<>();
    private int chunkSize = 128;
    private long bytesRead;

    public ChunkDecoder(int maxChunkSize, int maxMessageSize, int maxChunkStreams) {
        this.maxChunkSize = maxChunkSize;
        this.maxMessageSize = maxMessageSize;
        this.maxChunkStreams = maxChunkStreams;
    }

    /** The incoming chunk size in force (changed by the peer's Set Chunk Size, section 5.4.1). */
    public int chunkSize() {
        return chunkSize;
    }

    /** Octets of whole chunks consumed so far, for acknowledgements (section 5.4.3). */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Reads every whole chunk in {@code in} and appends the messages they complete to {@code out}. Set Chunk Size
     * and Abort are applied here (they change how the following chunks are read) and also handed out.
     */
    public void decode(ByteBuf in, List<RtmpMessage> out) throws RtmpProtocolException {
        while (in.isReadable()) {
            int start = in.readerIndex();
            if (!readChunk(in, out)) {
                in.readerIndex(start);
                return;
            }
            bytesRead += in.readerIndex() - start;
        }
    }

    /** For tests and fuzzing: every message in {@code wire}, read with fresh state. */
    public static List<RtmpMessage> parse(byte[] wire, int maxChunkSize, int maxMessageSize, int maxChunkStreams)
            throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        new ChunkDecoder(maxChunkSize, maxMessageSize, maxChunkStreams).decode(Unpooled.wrappedBuffer(wire), out);
        return out;
    }

    /** One chunk: false (nothing consumed) when it is not all there yet. */
    private boolean readChunk(ByteBuf in, List<RtmpMessage> out) throws RtmpProtocolException {
        // section 5.3.1.1: basic header, 1-3 octets
        int b0 = in.readUnsignedByte();
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3F;
        if (csid == 0) {
            if (!in.isReadable()) {
                return false;
            }
            csid = 64 + in.readUnsignedByte();
        } else if (csid == 1) {
            if (in.readableBytes() < 2) {
                return false;
            }
            csid = 64 + in.readUnsignedByte() + 256 * in.readUnsignedByte();
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw new RtmpProtocolException("chunk stream " + csid + " starts with a type " + fmt
                        + " chunk; the first chunk of a stream must be type 0 (RTMP 1.0 section 5.3.1.2.1)");
            }
            if (streams.size() >= maxChunkStreams) {
                throw new RtmpProtocolException("more than " + maxChunkStreams + " chunk streams");
            }
            cs = new ChunkStream();
        }
        // section 5.3.1.2: message header, 11 / 7 / 3 / 0 octets
        int headerLength = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (in.readableBytes() < headerLength) {
            return false;
        }
        long field = 0;
        int length = cs.length;
        int typeId = cs.typeId;
        int streamId = cs.streamId;
        if (fmt <= 2) {
            field = in.readUnsignedMedium();
        }
        if (fmt <= 1) {
            length = in.readUnsignedMedium();
            typeId = in.readUnsignedByte();
        }
        if (fmt == 0) {
            streamId = in.readIntLE(); // the one little-endian field of RTMP (section 5.3.1.2.1)
        }
        boolean extended = fmt <= 2 ? field == EXTENDED : cs.extended;
        // section 5.3.1.3: extended timestamp when the 24-bit field is all ones; a type 3 chunk repeats it when
        // its chunk stream's last header had one (as librtmp, ffmpeg and OBS send)
        if (extended) {
            if (in.readableBytes() < 4) {
                return false;
            }
            long ext = in.readUnsignedInt();
            if (fmt <= 2) {
                field = ext;
            }
        }
        boolean continuation = cs.payload != null;
        if (continuation && fmt != 3) {
            throw new RtmpProtocolException("a type " + fmt + " chunk on chunk stream " + csid
                    + " interrupts a message that is not complete (RTMP 1.0 section 5.3.1)");
        }
        if (length > maxMessageSize) {
            throw new RtmpProtocolException("message of " + length + " octets; the limit is " + maxMessageSize);
        }
        int already = continuation ? cs.filled : 0;
        int take = Math.min(chunkSize, length - already);
        if (in.readableBytes() < take) {
            return false;
        }
        // the chunk is all there: commit its header
        if (!continuation) {
            if (fmt == 0) {
                cs.timestamp = field;
                cs.delta = 0;
            } else if (fmt == 1 || fmt == 2) {
                cs.delta = field;
                cs.timestamp = (cs.timestamp + field) & 0xFFFF_FFFFL;
            } else if (cs.started) {
                cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFF_FFFFL; // section 5.3.1.2.4: same delta again
            }
            cs.length = length;
            cs.typeId = typeId;
            cs.streamId = streamId;
            cs.extended = extended;
            cs.started = true;
            // sized by what has arrived, not by the header's claim: 64 chunk streams each announcing a 4 MiB message
            // with one short chunk would otherwise hold 256 MiB for a few KiB sent (grown below as chunks come)
            cs.payload = new byte[Math.min(length, Math.max(take, INITIAL_BUFFER))];
            cs.filled = 0;
            streams.put(csid, cs);
        }
        if (cs.filled + take > cs.payload.length) {
            cs.payload = java.util.Arrays.copyOf(cs.payload, Math.min(cs.length, Math.max(cs.filled + take, 2 * cs.payload.length)));
        }
        in.readBytes(cs.payload, cs.filled, take);
        cs.filled += take;
        if (cs.filled == cs.length) {
            RtmpMessage m = new RtmpMessage(cs.typeId, cs.streamId, cs.timestamp, cs.payload);
            cs.payload = null;
            cs.filled = 0;
            control(m, csid);
            out.add(m);
        }
        return true;
    }

    /** Protocol control messages that change how chunks are read (RTMP 1.0 sections 5.4.1, 5.4.2). */
    private void control(RtmpMessage m, int csid) throws RtmpProtocolException {
        if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
            if (m.payload().length < 4) {
                throw new RtmpProtocolException("Set Chunk Size shorter than 4 octets");
            }
            int size = ((m.payload()[0] & 0x7F) << 24) | ((m.payload()[1] & 0xFF) << 16)
                    | ((m.payload()[2] & 0xFF) << 8) | (m.payload()[3] & 0xFF); // bit 31 must be 0
            if (size < 1 || size > maxChunkSize) {
                throw new RtmpProtocolException("Set Chunk Size " + size + "; allowed 1-" + maxChunkSize);
            }
            chunkSize = size;
        } else if (m.typeId() == RtmpMessage.ABORT && m.payload().length >= 4) {
            int aborted = ((m.payload()[0] & 0xFF) << 24) | ((m.payload()[1] & 0xFF) << 16)
                    | ((m.payload()[2] & 0xFF) << 8) | (m.payload()[3] & 0xFF);
            ChunkStream cs = streams.get(aborted);
            if (cs != null) {
                cs.payload = null;
                cs.filled = 0;
            }
        }
    }
}
