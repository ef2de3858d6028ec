package io.relaycast.rtmp.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/** At most {@code max} open connections per remote address; one more is closed at once, before any handshake. */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionLimiter(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int now = open.merge(address, 1, Integer::sum);
        ctx.channel().closeFuture().addListener(f -> open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1));
        if (now > max) {
            LOG.info("RTMP {}: more than {} connections from this address; closing", address.getHostAddress(), max);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    int openConnections() {
        return open.values().stream().mapToInt(Integer::intValue).sum();
    }
}
