package io.relaycast.rtmp.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.chunk.ChunkDecoder;
import io.relaycast.rtmp.chunk.ChunkEncoder;
import io.relaycast.rtmp.chunk.RtmpMessage;
import io.relaycast.rtmp.chunk.RtmpProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One RTMP connection's wire: the simple handshake (RTMP 1.0 section 5.2: C0/C1 in, S0/S1/S2 out, C2 in), then the
 * chunk stream ({@link ChunkDecoder}), window acknowledgements (section 5.4.3/5.4.4) and writing our messages. The
 * messages themselves go to the {@link RtmpSession}. Everything runs on the channel's event loop.
 *
 * <p>A client that has not started publishing within the handshake timeout, sends nothing for the idle timeout,
 * breaks the wire format or exceeds a limit is disconnected; nothing it sent reaches the SFU.
 */
final class RtmpConnection extends ByteToMessageDecoder implements RtmpSession.Wire {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);
    static final int HANDSHAKE_SIZE = 1536;
    /** Our acknowledgement window toward the client (what we announce in Window Acknowledgement Size). */
    static final long SERVER_WINDOW = 2_500_000;

    private enum Stage { C0C1, C2, CHUNKS, CLOSED }

    private final RtmpConfig config;
    private final ChunkDecoder decoder;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final RtmpSession session;
    private final List<RtmpMessage> messages = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private Stage stage = Stage.C0C1;
    private io.netty.util.concurrent.ScheduledFuture<?> deadline;
    private long clientWindow;
    private long acknowledged;
    private String remote = "?";

    RtmpConnection(RtmpConfig config, RtmpSession session) {
        this.config = config;
        this.decoder = new ChunkDecoder(config.maxChunkSize(), config.maxMessageSize(), config.maxChunkStreams());
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = String.valueOf(ctx.channel().remoteAddress());
        deadline = ctx.executor().schedule(() -> {
            LOG.info("RTMP {}: no publication within {} ms of connecting (handshake stage {}); closing", remote,
                    config.handshakeTimeout().toMillis(), stage);
            ctx.close();
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        session.attach(this);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (stage) {
            case C0C1 -> {
                if (in.readableBytes() < 1 + HANDSHAKE_SIZE) {
                    return;
                }
                int version = in.readUnsignedByte();
                if (version != 3) {
                    // 6 is RTMPE (encrypted); anything else is not RTMP at all
                    LOG.info("RTMP {}: handshake version {} refused (only plain RTMP, version 3)", remote, version);
                    fail();
                    return;
                }
                byte[] c1 = new byte[HANDSHAKE_SIZE];
                in.readBytes(c1);
                writeHandshake(c1);
                stage = Stage.C2;
            }
            case C2 -> {
                if (in.readableBytes() < HANDSHAKE_SIZE) {
                    return;
                }
                in.skipBytes(HANDSHAKE_SIZE); // the simple handshake does not check the echo
                stage = Stage.CHUNKS;
            }
            case CHUNKS -> {
                try {
                    decoder.decode(in, messages);
                } catch (RtmpProtocolException e) {
                    LOG.info("RTMP {}: {}; closing", remote, e.getMessage());
                    in.skipBytes(in.readableBytes());
                    fail();
                    return;
                }
                for (int i = 0; i < messages.size() && stage != Stage.CLOSED; i++) {
                    onMessage(messages.get(i));
                }
                messages.clear();
                acknowledge();
            }
            case CLOSED -> in.skipBytes(in.readableBytes());
        }
    }

    /** S0 (version 3), S1 (our time, zeros, random), S2 (the client's C1 echoed with our read time). */
    private void writeHandshake(byte[] c1) {
        ByteBuf out = ctx.alloc().buffer(1 + 2 * HANDSHAKE_SIZE);
        out.writeByte(3);
        out.writeInt((int) (System.currentTimeMillis() & 0x7FFF_FFFF));
        out.writeInt(0);
        byte[] random = new byte[HANDSHAKE_SIZE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        out.writeBytes(random);
        out.writeBytes(c1, 0, 4);
        out.writeInt((int) (System.currentTimeMillis() & 0x7FFF_FFFF));
        out.writeBytes(c1, 8, HANDSHAKE_SIZE - 8);
        ctx.writeAndFlush(out);
    }

    private void onMessage(RtmpMessage m) {
        switch (m.typeId()) {
            case RtmpMessage.SET_CHUNK_SIZE, RtmpMessage.ABORT, RtmpMessage.ACKNOWLEDGEMENT,
                 RtmpMessage.SET_PEER_BANDWIDTH, RtmpMessage.USER_CONTROL -> {
                // chunk size and abort are applied by the decoder; the client's acks and pings need no answer
            }
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                if (m.payload().length >= 4) {
                    clientWindow = ((m.payload()[0] & 0xFFL) << 24) | ((m.payload()[1] & 0xFFL) << 16)
                            | ((m.payload()[2] & 0xFFL) << 8) | (m.payload()[3] & 0xFFL);
                }
            }
            default -> session.onMessage(m);
        }
    }

    /** Section 5.4.3: acknowledge once a window's worth of octets arrived since the last acknowledgement. */
    private void acknowledge() {
        long read = decoder.bytesRead();
        if (clientWindow > 0 && read - acknowledged >= clientWindow) {
            acknowledged = read;
            send(ChunkEncoder.CONTROL_CSID, ChunkEncoder.control(RtmpMessage.ACKNOWLEDGEMENT, read & 0xFFFF_FFFFL));
            ctx.flush();
        }
    }

    // ---- RtmpSession.Wire ----

    @Override
    public void send(int csid, RtmpMessage m) {
        if (stage == Stage.CLOSED) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer(m.payload().length + 32);
        encoder.write(out, csid, m);
        ctx.write(out);
        if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
            encoder.chunkSize((int) (((m.payload()[0] & 0x7FL) << 24) | ((m.payload()[1] & 0xFF) << 16)
                    | ((m.payload()[2] & 0xFF) << 8) | (m.payload()[3] & 0xFF)));
        }
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void closeAfterFlush() {
        if (stage == Stage.CLOSED) {
            return;
        }
        stage = Stage.CLOSED;
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void publishing() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void runOnLoop(Runnable task) {
        ctx.executor().execute(task);
    }

    @Override
    public void runOnLoopAfter(long millis, Runnable task) {
        ctx.executor().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String remote() {
        return remote;
    }

    private void fail() {
        stage = Stage.CLOSED;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.info("RTMP {}: nothing received for {} ms; closing", remote, config.idleTimeout().toMillis());
            fail();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stage = Stage.CLOSED;
        if (deadline != null) {
            deadline.cancel(false);
        }
        session.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("RTMP {}: closing after an error", remote, cause);
        fail();
    }
}
