package io.relaycast.rtmp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.media.IngestHealth;
import io.relaycast.sfu.api.MediaPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RTMP ingest server (contract: "RTMP ingest"): plain RTMP on {@code port}, RTMP over TLS on {@code rtmps-port}
 * when a certificate is configured. Two event-loop threads carry every connection; key checks and stream-state
 * changes run on a small blocking pool so a slow database never stalls media of other connections.
 */
public final class RtmpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);

    private final EventLoopGroup boss = new NioEventLoopGroup(1, daemon("rtmp-accept"));
    private final EventLoopGroup workers = new NioEventLoopGroup(2, daemon("rtmp-io"));
    private final ExecutorService blocking;
    private final ConnectionLimiter limiter;
    private final PublishingStreams publishing = new PublishingStreams();
    private Channel plain;
    private Channel tls;

    private RtmpServer(RtmpConfig config) {
        this.limiter = new ConnectionLimiter(config.maxConnectionsPerAddress());
        this.blocking = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("rtmp-auth"));
        ((ThreadPoolExecutor) blocking).allowCoreThreadTimeOut(true);
    }

    /** Binds the configured ports (0 = that one off); port numbers of a bound server are in {@link #port()}. */
    public static RtmpServer start(RtmpConfig config, MediaPlane media, PublishGate gate) throws Exception {
        RtmpServer server = new RtmpServer(config);
        try {
            if (config.port() != 0) {
                server.plain = server.bind(config, media, gate, Math.max(0, config.port()), null);
            }
            if (config.rtmpsPort() != 0) {
                SslContext ssl = SslContextBuilder.forServer(config.certificate().toFile(),
                        config.privateKey().toFile()).build();
                server.tls = server.bind(config, media, gate, Math.max(0, config.rtmpsPort()), ssl);
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        LOG.info("RTMP ingest on port {}{} (app '{}', stream name = stream key)", server.port(),
                server.tls == null ? "" : ", RTMPS on port " + server.rtmpsPort(), RtmpSession.APP);
        return server;
    }

    private Channel bind(RtmpConfig config, MediaPlane media, PublishGate gate, int port, SslContext ssl)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("limit", limiter);
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0,
                                TimeUnit.MILLISECONDS));
                        RtmpSession session = new RtmpSession(config, media, gate, blocking, publishing);
                        ch.pipeline().addLast("rtmp", new RtmpConnection(config, session));
                    }
                });
        return b.bind(new InetSocketAddress(config.bindAddress(), port)).sync().channel();
    }

    /** The bound plain RTMP port, or 0 when off. */
    public int port() {
        return plain == null ? 0 : ((InetSocketAddress) plain.localAddress()).getPort();
    }

    /** The bound RTMPS port, or 0 when off. */
    public int rtmpsPort() {
        return tls == null ? 0 : ((InetSocketAddress) tls.localAddress()).getPort();
    }

    /** Open TCP connections (tests: a refused client's connection is gone). */
    public int openConnections() {
        return limiter.openConnections();
    }

    /** Streams being published over RTMP now. */
    public int publishingStreams() {
        return publishing.size();
    }

    /**
     * The stream's RTMP encoder as measured at the ingest (bitrate, fps, keyframe interval, warnings), or null when
     * no RTMP connection of this server publishes it.
     */
    public IngestHealth.Reading ingestHealth(String streamId) {
        return publishing.health(streamId);
    }

    /** Every stream an RTMP connection of this server publishes, with its ingest health (for the sampler). */
    public java.util.Map<String, IngestHealth.Reading> ingestHealth() {
        java.util.Map<String, IngestHealth.Reading> m = new java.util.LinkedHashMap<>();
        for (String id : publishing.streamIds()) {
            IngestHealth.Reading r = publishing.health(id);
            if (r != null) {
                m.put(id, r);
            }
        }
        return m;
    }

    @Override
    public void close() {
        if (plain != null) {
            plain.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (tls != null) {
            tls.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
