package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.SocketBufferConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/** The listening sockets of ICE-TCP: one per bind address, all on one port. */
final class TcpListeners {

    private TcpListeners() {
    }

    /**
     * Binds {@code port} (0: the first bind picks one, the others follow it) on every address, registered for
     * accepts with {@code selector}; SO_RCVBUF before listen, so TCP window scaling covers it. All or nothing.
     */
    static List<ServerSocketChannel> bind(List<InetAddress> addresses, int port, SocketBufferConfig buffers,
                                          Selector selector) throws IOException {
        List<ServerSocketChannel> bound = new ArrayList<>();
        int p = port;
        try {
            for (InetAddress a : addresses) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // restart despite TIME_WAIT
                    if (buffers.receiveBytes() > 0) {
                        ch.setOption(StandardSocketOptions.SO_RCVBUF, buffers.receiveBytes());
                    }
                    ch.bind(new InetSocketAddress(a, p), 128);
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_ACCEPT);
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot bind ICE-TCP port " + p + " on " + a.getHostAddress() + ": "
                            + e.getMessage(), e);
                }
                bound.add(ch);
                p = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            }
        } catch (IOException e) {
            for (ServerSocketChannel ch : bound) {
                ch.close();
            }
            throw e;
        }
        return bound;
    }
}
