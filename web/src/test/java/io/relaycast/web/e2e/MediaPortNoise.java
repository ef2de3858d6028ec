package io.relaycast.web.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

/**
 * What an attacker or a confused client can throw at the shared media port from an address no ICE check has
 * validated: noise, STUN Binding requests for sessions that do not exist or with a forged integrity, a DTLS
 * ClientHello, and RTP-looking datagrams. None of it may disturb a running session.
 */
final class MediaPortNoise implements AutoCloseable {
    /** RFC 5769 section 2.1's sample Binding request: USERNAME "evtj:h6vY", a ufrag no session of ours has. */
    private static final byte[] FOREIGN_UFRAG_BINDING = HexFormat.of().parseHex("000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74"
            + "002400046e0001ff"
            + "80290008932ff9b151263b36"
            + "000600096576746a3a68367659202020"
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004e57a3bcf");

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final Random random = new Random(7);
    private int sent;

    MediaPortNoise(int udpPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort);
    }

    int sent() {
        return sent;
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
        sent++;
    }

    /** Datagrams of random bytes and sizes, each first-byte class of RFC 7983 included. */
    void randomBytes(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[1 + random.nextInt(1400)];
            random.nextBytes(b);
            b[0] = (byte) (i % 256);
            send(b);
        }
    }

    void bindingWithForeignUfrag() throws IOException {
        send(FOREIGN_UFRAG_BINDING);
    }

    /**
     * A Binding request naming a real session's ufrag with a MESSAGE-INTEGRITY that is not keyed with its password
     * (RFC 8445 section 7.3: must be refused, and must not validate our address).
     */
    void bindingWithForgedIntegrity(String realLocalUfrag) throws IOException {
        byte[] username = (realLocalUfrag + ":intruder").getBytes(StandardCharsets.US_ASCII);
        int usernamePadded = (username.length + 3) & ~3;
        int attributes = 4 + usernamePadded + 8 + 12 + 24;
        ByteBuffer b = ByteBuffer.allocate(20 + attributes);
        b.putShort((short) 0x0001).putShort((short) attributes).putInt(0x2112A442);
        byte[] transaction = new byte[12];
        random.nextBytes(transaction);
        b.put(transaction);
        b.putShort((short) 0x0006).putShort((short) username.length).put(username);
        b.put(new byte[usernamePadded - username.length]);
        b.putShort((short) 0x0024).putShort((short) 4).putInt(0x6E0001FF); // PRIORITY
        b.putShort((short) 0x802A).putShort((short) 8).putLong(random.nextLong()); // ICE-CONTROLLING
        byte[] mac = new byte[20];
        random.nextBytes(mac);
        b.putShort((short) 0x0008).putShort((short) 20).put(mac); // MESSAGE-INTEGRITY, wrong key
        send(b.array());
    }

    /** A DTLS 1.2 ClientHello record (RFC 6347 section 4.3.2) from an address that never did ICE. */
    void dtlsClientHello() throws IOException {
        ByteBuffer body = ByteBuffer.allocate(64);
        body.putShort((short) 0xFEFD); // client_version DTLS 1.2
        byte[] clientRandom = new byte[32];
        random.nextBytes(clientRandom);
        body.put(clientRandom);
        body.put((byte) 0); // session_id
        body.put((byte) 0); // cookie
        body.putShort((short) 2).putShort((short) 0xC02B); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        body.put((byte) 1).put((byte) 0); // compression: null
        int bodyLength = body.position();
        ByteBuffer record = ByteBuffer.allocate(13 + 12 + bodyLength);
        record.put((byte) 22).putShort((short) 0xFEFD).putShort((short) 0).putShort((short) 0).putInt(0);
        record.putShort((short) (12 + bodyLength));
        record.put((byte) 1); // ClientHello
        record.put((byte) 0).putShort((short) bodyLength); // length (24 bit)
        record.putShort((short) 0); // message_seq
        record.put((byte) 0).putShort((short) 0); // fragment_offset
        record.put((byte) 0).putShort((short) bodyLength); // fragment_length
        record.put(body.array(), 0, bodyLength);
        send(record.array());
    }

    /** RTP-looking datagrams (version 2, a plausible payload type) that no SRTP key authenticates. */
    void fakeRtp(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[200];
            random.nextBytes(b);
            b[0] = (byte) 0x80;
            b[1] = (byte) 96;
            send(b);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
