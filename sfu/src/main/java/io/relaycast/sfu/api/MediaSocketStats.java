package io.relaycast.sfu.api;

/**
 * The node's media sockets, as the kernel sees them.
 *
 * @param udpPort                 the shared UDP port
 * @param receiveBufferBytes      the shared port's SO_RCVBUF as granted: the request capped at
 *                                net.core.rmem_max (as Java reports it; the kernel books twice that, socket(7))
 * @param requestedReceiveBufferBytes what {@code relaycast.media.socket-receive-buffer} asked for (0: the kernel
 *                                default)
 * @param kernelDrops             datagrams the kernel dropped on the port since it was bound, because the receive
 *                                buffer was full ({@code /proc/net/udp} drops); -1 where the platform cannot tell
 */
public record MediaSocketStats(int udpPort, int receiveBufferBytes, int requestedReceiveBufferBytes,
                               long kernelDrops) {
}
