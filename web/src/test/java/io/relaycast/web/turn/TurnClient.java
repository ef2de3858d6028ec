package io.relaycast.web.turn;

import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * A small TURN client for tests (RFC 8656, which obsoletes RFC 5766): Allocate with long-term credentials,
 * Refresh, CreatePermission, ChannelBind and Send, over UDP, TCP or TLS to one server. It writes its own requests
 * and reads the answers with the SFU's {@link StunMessage} reader, checking the server's MESSAGE-INTEGRITY
 * (so a success really was signed with the key our credential gives) and FINGERPRINT.
 *
 * <p>Long-term credentials (RFC 8489 section 9.2): the first Allocate carries no credentials and gets 401 with
 * REALM and NONCE; the second carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed with
 * MD5(username ":" realm ":" password). Later requests on the same allocation reuse realm, nonce and key.
 */
public final class TurnClient implements AutoCloseable {
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int CHANNEL_BIND = 0x009;
    public static final int BINDING = 0x001;

    static final int CHANNEL_NUMBER = 0x000C;
    static final int LIFETIME = 0x000D;
    static final int XOR_PEER_ADDRESS = 0x0012;
    static final int DATA = 0x0013;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int XOR_RELAYED_ADDRESS = 0x0016;
    static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    static final int REQUESTED_TRANSPORT = 0x0019;
    static final int PROTOCOL_UDP = 17;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transport transport;
    private String username;
    private String realm;
    private String nonce;
    private byte[] key;

    private TurnClient(Transport transport) {
        this.transport = transport;
    }

    public static TurnClient udp(InetSocketAddress server) throws IOException {
        return new TurnClient(new Udp(server));
    }

    public static TurnClient tcp(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, 2000);
        return new TurnClient(new Stream(s));
    }

    public static TurnClient tls(InetSocketAddress server, SSLContext ssl) throws IOException {
        SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket();
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the address, as browsers require
        s.setSSLParameters(p);
        s.connect(server, 2000);
        s.startHandshake();
        return new TurnClient(new Stream(s));
    }

    /** A client for one {@code turn:} / {@code turns:} URL as we hand them out (only to loopback in tests). */
    public static TurnClient forUrl(TurnUrl url, SSLContext ssl) throws IOException {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(url.host()), url.port());
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests only talk to loopback, not " + url);
        }
        if (url.secure()) {
            return tls(server, ssl);
        }
        return "tcp".equals(url.transport()) ? tcp(server) : udp(server);
    }

    /** What the server answered: success (code 0) or an error code with its reason. */
    public record Answer(int method, StunMessageClass cls, int code, String reason, InetSocketAddress relayed,
                         InetSocketAddress mapped, long lifetime, boolean integrityVerified, boolean fingerprinted) {
        public boolean ok() {
            return cls == StunMessageClass.SUCCESS_RESPONSE;
        }

        @Override
        public String toString() {
            return ok() ? "success" + (relayed != null ? " relayed=" + relayed : "") + " lifetime=" + lifetime
                    : "error " + code + " " + reason;
        }
    }

    /** An unauthenticated STUN Binding (readiness probe). */
    public Answer binding(int timeoutMillis) throws IOException {
        return exchange(BINDING, List.of(), false, timeoutMillis);
    }

    /**
     * Allocate a UDP relay with these long-term credentials: the unauthenticated request, its 401 (REALM, NONCE),
     * then the signed request; a 438 (stale nonce) is answered once more with the new nonce.
     */
    public Answer allocate(String username, String password) throws IOException {
        return allocate(username, password, false);
    }

    /** Allocate, asking for an IPv6 relayed address (REQUESTED-ADDRESS-FAMILY, RFC 8656 section 18.10) when ipv6. */
    public Answer allocate(String username, String password, boolean ipv6) throws IOException {
        List<byte[]> attrs = ipv6
                ? List.of(requestedTransport(), attr(REQUESTED_ADDRESS_FAMILY, new byte[]{2, 0, 0, 0}))
                : List.of(requestedTransport());
        Answer challenge = exchange(ALLOCATE, attrs, false, 2000);
        if (challenge.code() != 401 || realm == null || nonce == null) {
            throw new AssertionError("expected 401 with REALM and NONCE to an unauthenticated Allocate, got " + challenge);
        }
        this.username = username;
        this.key = longTermKey(username, realm, password);
        Answer a = exchange(ALLOCATE, attrs, true, 2000);
        if (a.code() == 438) {
            a = exchange(ALLOCATE, attrs, true, 2000);
        }
        return a;
    }

    public Answer refresh(int lifetimeSeconds) throws IOException {
        return exchange(REFRESH, List.of(attr(LIFETIME, ByteBuffer.allocate(4).putInt(lifetimeSeconds).array())), true, 2000);
    }

    public Answer createPermission(InetAddress peer) throws IOException {
        return exchange(CREATE_PERMISSION, tx -> List.of(xorAddress(XOR_PEER_ADDRESS, new InetSocketAddress(peer, 9), tx)), true, 2000);
    }

    public Answer channelBind(InetSocketAddress peer, int channel) throws IOException {
        return exchange(CHANNEL_BIND, tx -> List.of(
                attr(CHANNEL_NUMBER, ByteBuffer.allocate(4).putShort((short) channel).array()),
                xorAddress(XOR_PEER_ADDRESS, peer, tx)), true, 2000);
    }

    /** A Send indication (no answer comes back; the server relays or silently drops it). */
    public void send(InetSocketAddress peer, byte[] data) throws IOException {
        byte[] tx = transactionId();
        byte[] msg = encode(0x0010 | SEND, tx, List.of(xorAddress(XOR_PEER_ADDRESS, peer, tx), attr(DATA, data)), false);
        transport.send(msg);
    }

    private Answer exchange(int method, List<byte[]> attrs, boolean signed, int timeoutMillis) throws IOException {
        return exchange(method, tx -> attrs, signed, timeoutMillis);
    }

    private Answer exchange(int method, Function<byte[], List<byte[]>> attrs, boolean signed, int timeoutMillis)
            throws IOException {
        byte[] tx = transactionId();
        List<byte[]> all = new ArrayList<>(attrs.apply(tx));
        if (signed) {
            all.add(attr(StunAttributeType.USERNAME, username.getBytes(StandardCharsets.UTF_8)));
            all.add(attr(REALM, realm.getBytes(StandardCharsets.UTF_8)));
            all.add(attr(NONCE, nonce.getBytes(StandardCharsets.UTF_8)));
        }
        byte[] request = encode(method, tx, all, signed);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        transport.send(request);
        int resent = 0;
        StunMessage m = new StunMessage();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("no answer to method 0x" + Integer.toHexString(method) + " within " + timeoutMillis + " ms");
            }
            byte[] in;
            try {
                in = transport.receive((int) Math.min(left, transport.reliable() ? left : 250));
            } catch (SocketTimeoutException e) {
                if (!transport.reliable() && resent++ < 6) {
                    transport.send(request); // RFC 8489 section 6.2.1: same transaction, sent again over UDP
                }
                continue;
            }
            if (!m.reset(in, 0, in.length) || !m.transactionIdEquals(tx, 0)) {
                continue; // a Data indication, ChannelData or a late answer to something else
            }
            return read(m, method);
        }
    }

    private Answer read(StunMessage m, int method) {
        if (m.method() != method) {
            throw new AssertionError("answer for method 0x" + Integer.toHexString(m.method()) + " to 0x" + Integer.toHexString(method));
        }
        boolean fingerprinted = m.hasFingerprint();
        if (fingerprinted && !m.verifyFingerprint()) {
            throw new AssertionError("the server's FINGERPRINT does not match");
        }
        boolean verified = false;
        if (m.hasMessageIntegrity()) {
            if (key == null || !new StunMessageIntegrity(key).verify(m)) {
                throw new AssertionError("the server's MESSAGE-INTEGRITY does not verify with our key");
            }
            verified = true;
        }
        int realmAt = m.findAttribute(REALM);
        if (realmAt >= 0) {
            realm = string(m, realmAt);
        }
        int nonceAt = m.findAttribute(NONCE);
        if (nonceAt >= 0) {
            nonce = string(m, nonceAt);
        }
        int code = 0;
        String reason = "";
        int errorAt = m.findAttribute(StunAttributeType.ERROR_CODE);
        if (m.messageClass() == StunMessageClass.ERROR_RESPONSE && errorAt >= 0) {
            byte[] b = m.buffer();
            code = (b[errorAt + 2] & 0x07) * 100 + (b[errorAt + 3] & 0xFF);
            reason = new String(b, errorAt + 4, m.attributeLength(errorAt) - 4, StandardCharsets.UTF_8);
        }
        long lifetime = -1;
        int lifetimeAt = m.findAttribute(LIFETIME);
        if (lifetimeAt >= 0) {
            lifetime = ByteBuffer.wrap(m.buffer(), lifetimeAt, 4).getInt() & 0xFFFFFFFFL;
        }
        return new Answer(method, m.messageClass(), code, reason, xorAddress(m, XOR_RELAYED_ADDRESS),
                xorAddress(m, StunAttributeType.XOR_MAPPED_ADDRESS), lifetime, verified, fingerprinted);
    }

    /** key = MD5(username ":" realm ":" SASLprep(password)); our passwords are base64, which SASLprep keeps as is. */
    static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] encode(int type, byte[] tx, List<byte[]> attrs, boolean signed) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] a : attrs) {
            body.writeBytes(a);
        }
        byte[] b = body.toByteArray();
        int integrity = signed ? 24 : 0;
        ByteBuffer out = ByteBuffer.allocate(20 + b.length + integrity + 8);
        out.putShort((short) type).putShort((short) (b.length + integrity)).putInt(StunMessage.MAGIC_COOKIE).put(tx).put(b);
        if (signed) {
            // RFC 8489 section 14.5: HMAC over everything before MESSAGE-INTEGRITY, the length already counting it
            byte[] hmac = hmacSha1(key, out.array(), 0, out.position());
            out.putShort((short) StunAttributeType.MESSAGE_INTEGRITY).putShort((short) 20).put(hmac);
        }
        // FINGERPRINT (section 14.7), as browsers send it: the length counts it, CRC-32 over what precedes it
        out.putShort(2, (short) (out.position() - 20 + 8));
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putShort((short) StunAttributeType.FINGERPRINT).putShort((short) 4)
                .putInt((int) crc.getValue() ^ StunMessage.FINGERPRINT_XOR);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] hmacSha1(byte[] key, byte[] data, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(data, off, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] requestedTransport() {
        return attr(REQUESTED_TRANSPORT, new byte[]{PROTOCOL_UDP, 0, 0, 0});
    }

    static byte[] attr(int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(4 + padded);
        b.putShort((short) type).putShort((short) value.length).put(value);
        return b.array();
    }

    /** XOR-PEER-ADDRESS and friends (RFC 8489 section 14.2): port xor the cookie's top half, address xor cookie (+ tx id). */
    private static byte[] xorAddress(int type, InetSocketAddress a, byte[] tx) {
        byte[] ip = a.getAddress().getAddress();
        byte[] mask = xorMask(tx);
        ByteBuffer v = ByteBuffer.allocate(4 + ip.length);
        v.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2)).putShort((short) (a.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < ip.length; i++) {
            v.put((byte) (ip[i] ^ mask[i]));
        }
        return attr(type, v.array());
    }

    private byte[] xorMaskFor(StunMessage m) {
        byte[] tx = new byte[12];
        m.copyTransactionId(tx, 0);
        return xorMask(tx);
    }

    private static byte[] xorMask(byte[] tx) {
        return ByteBuffer.allocate(16).putInt(StunMessage.MAGIC_COOKIE).put(tx).array();
    }

    private InetSocketAddress xorAddress(StunMessage m, int type) {
        int at = m.findAttribute(type);
        if (at < 0) {
            return null;
        }
        byte[] b = m.buffer();
        int family = b[at + 1];
        int port = (((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF)) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] ip = new byte[family == 1 ? 4 : 16];
        byte[] mask = xorMaskFor(m);
        for (int i = 0; i < ip.length; i++) {
            ip[i] = (byte) (b[at + 4 + i] ^ mask[i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String string(StunMessage m, int at) {
        return new String(m.buffer(), at, m.attributeLength(at), StandardCharsets.UTF_8);
    }

    private static byte[] transactionId() {
        byte[] tx = new byte[12];
        RANDOM.nextBytes(tx);
        return tx;
    }

    @Override
    public void close() {
        transport.close();
    }

    private interface Transport {
        void send(byte[] message) throws IOException;

        byte[] receive(int timeoutMillis) throws IOException;

        boolean reliable();

        void close();
    }

    private static final class Udp implements Transport {
        private final DatagramSocket socket;
        private final byte[] buf = new byte[2048];

        Udp(InetSocketAddress server) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.connect(server);
        }

        @Override
        public void send(byte[] message) throws IOException {
            socket.send(new DatagramPacket(message, message.length));
        }

        @Override
        public byte[] receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            return Arrays.copyOf(p.getData(), p.getLength());
        }

        @Override
        public boolean reliable() {
            return false;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** TCP or TLS: STUN messages back to back, each framed by its own header's length (RFC 8489 section 6.2.2). */
    private static final class Stream implements Transport {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Stream(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        @Override
        public void send(byte[] message) throws IOException {
            out.write(message);
            out.flush();
        }

        @Override
        public byte[] receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            byte[] header = new byte[4];
            in.readFully(header);
            int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            boolean channelData = (header[0] & 0xC0) == 0x40;
            int rest = channelData ? ((length + 3) & ~3) : 16 + length;
            byte[] msg = Arrays.copyOf(header, 4 + rest);
            in.readFully(msg, 4, rest);
            return msg;
        }

        @Override
        public boolean reliable() {
            return true;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

}
