package io.relaycast.sfu.ice;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The rule {@link SendSockets} stands on, checked on this kernel: of several UDP sockets sharing an address and port
 * through SO_REUSEADDR, the one bound last receives every datagram, so the workers' send sockets (bound first) never
 * take a datagram meant for ice4j's receive socket (bound after them); and a datagram a send socket sends comes from
 * the shared port.
 */
public class SendSocketsTest {

    @Test
    public void theSocketBoundLastReceivesAndSendSocketsSendFromTheSharedPort() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        DatagramChannel[] own = SendSockets.bindOne(loopback, 0, 3);
        int port = ((InetSocketAddress) own[0].getLocalAddress()).getPort();
        try (SendSockets sockets = SendSockets.of(List.<DatagramChannel[]>of(own), 3);
             DatagramSocket receiver = new DatagramSocket(null);
             DatagramChannel peer = DatagramChannel.open()) {
            receiver.setReuseAddress(true);
            receiver.bind(new InetSocketAddress(loopback, port)); // as ice4j's SocketPool does, after ours
            receiver.setSoTimeout(5000);
            peer.bind(new InetSocketAddress(loopback, 0));
            InetSocketAddress shared = new InetSocketAddress(loopback, port);
            for (int i = 0; i < 200; i++) {
                peer.send(ByteBuffer.wrap(new byte[] {(byte) i}), shared);
            }
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            for (int i = 0; i < 200; i++) {
                receiver.receive(got); // times out (and fails) if a send socket took the datagram
                assertEquals(got.getData()[0], (byte) i, "the receive socket gets every datagram, in order");
            }
            ByteBuffer in = ByteBuffer.allocate(16);
            for (DatagramChannel ch : own) {
                in.clear();
                assertNull(ch.receive(in), "a send socket received a datagram meant for the receive socket");
            }

            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            int index = sockets.indexOf(loopback);
            assertEquals(index, 0);
            for (int worker = 0; worker < 3; worker++) {
                assertTrue(sockets.send(index, worker, new byte[] {9, (byte) worker}, 0, 2, to));
            }
            peer.configureBlocking(true);
            for (int worker = 0; worker < 3; worker++) {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) peer.receive(in);
                assertEquals(from.getPort(), port, "sent from the shared port");
                assertEquals(in.get(1), (byte) worker);
            }
            assertEquals(sockets.indexOf(InetAddress.getByName("127.0.0.2")), -1, "an address without own sockets");
        }
    }
}
