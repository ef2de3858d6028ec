package io.relaycast.web.e2e;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.dtls.DtlsSession;
import io.relaycast.sfu.stun.StunMessageWriter;
import io.relaycast.web.ApiClient;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An attacker's viewer (issue 11, item 2): asks WHEP for a session like any anonymous viewer, completes ICE for
 * real from its own UDP socket (checks keyed with the SFU's password, answers the SFU's checks with its own, RFC
 * 8445 section 7), then sends ONE DTLS ClientHello and never continues the handshake. It keeps answering STUN so
 * ICE stays up, and holds a DTLS handshake thread of the SFU until the handshake times out.
 */
final class SilentDtlsPeer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern UFRAG = Pattern.compile("a=ice-ufrag:(\\S+)");
    private static final Pattern PWD = Pattern.compile("a=ice-pwd:(\\S+)");
    private static final Pattern CANDIDATE = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ (\\S+) (\\d+) typ host");

    private final DatagramSocket socket;
    private final String ufrag = hex(4);
    private final String pwd = hex(12);
    private final Thread stunResponder;
    private volatile boolean closed;
    private volatile boolean answeredCheck;
    private volatile boolean ourCheckSucceeded;
    private InetSocketAddress sfu;
    private String sfuUfrag;
    private String sfuPwd;

    SilentDtlsPeer(InetAddress bind) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        socket.setSoTimeout(100);
        stunResponder = new Thread(this::respond, "silent-dtls-peer");
        stunResponder.setDaemon(true);
    }

    /** WHEP offer (recvonly, our ICE credentials), then ICE to the SFU's host candidate; returns when connected. */
    void connect(ApiClient api, String streamId, long timeoutMillis) throws Exception {
        ApiClient.Response r = api.postRaw("/whep/" + streamId, null, "application/sdp", offer());
        if (r.status() != 201) {
            throw new IllegalStateException("WHEP refused the attacker's offer: " + r.status() + " " + r.body());
        }
        String answer = r.body();
        sfuUfrag = first(UFRAG, answer);
        sfuPwd = first(PWD, answer);
        Matcher c = CANDIDATE.matcher(answer);
        if (!c.find()) {
            throw new IllegalStateException("no host candidate in " + answer);
        }
        sfu = new InetSocketAddress(InetAddress.getByName(c.group(1)), Integer.parseInt(c.group(2)));
        stunResponder.start();
        StunMessageWriter ours = new StunMessageWriter(sfuPwd);
        byte[] username = (sfuUfrag + ":" + ufrag).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[StunMessageWriter.requestLength(username.length)];
        long end = System.currentTimeMillis() + timeoutMillis;
        long tieBreaker = RANDOM.nextLong();
        while (!(ourCheckSucceeded && answeredCheck)) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("ICE did not complete: our check " + ourCheckSucceeded
                        + ", answered theirs " + answeredCheck);
            }
            byte[] tid = new byte[12];
            RANDOM.nextBytes(tid);
            int len = ours.bindingRequest(out, 0, tid, username, 0x6E0001FFL, true, tieBreaker, true);
            socket.send(new DatagramPacket(out, len, sfu));
            Thread.sleep(50);
        }
        // one more nominating check now that both directions work, so the controlled side selects the pair
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        int len = ours.bindingRequest(out, 0, tid, username, 0x6E0001FFL, true, tieBreaker, true);
        socket.send(new DatagramPacket(out, len, sfu));
    }

    /**
     * The one ClientHello, a real one (DTLS 1.2 with use_srtp, as a browser's, so the SFU answers its flight and
     * waits for ours); nothing follows it.
     */
    void sendClientHello() throws Exception {
        byte[] hello = realClientHello();
        socket.send(new DatagramPacket(hello, hello.length, sfu));
    }

    /** The first datagram a bctls DTLS-SRTP client sends, captured and never continued. */
    private static byte[] realClientHello() throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> first = new java.util.concurrent.CompletableFuture<>();
        DtlsCertificate cert = DtlsCertificate.processWide();
        try (DtlsSession client = new DtlsSession(DtlsRole.CLIENT, cert, java.util.List.of(cert.fingerprint()),
                (buf, off, len) -> first.complete(java.util.Arrays.copyOfRange(buf, off, off + len)),
                DtlsConfig.defaults(), null)) {
            client.start(r -> {
                Thread t = new Thread(r, "client-hello");
                t.setDaemon(true);
                t.start();
            });
            return first.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Answers the SFU's checks (consent freshness included) with our password; swallows everything else. */
    private void respond() {
        byte[] buf = new byte[2048];
        byte[] out = new byte[256];
        StunMessageWriter theirs = null;
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            if (p.getLength() < 20 || (buf[0] & 0xC0) != 0) {
                continue; // DTLS (the SFU's ServerHello flight) and anything else: silence
            }
            int type = ((buf[0] & 0xFF) << 8) | (buf[1] & 0xFF);
            if (type == StunMessageWriter.BINDING_REQUEST) {
                if (theirs == null) {
                    theirs = new StunMessageWriter(pwd);
                }
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                int len = theirs.bindingSuccess(out, 0, buf, 0, StunMessageWriter.addressBytes(from), from.getPort());
                try {
                    socket.send(new DatagramPacket(out, len, from));
                    answeredCheck = true;
                } catch (IOException e) {
                    return;
                }
            } else if (type == StunMessageWriter.BINDING_SUCCESS) {
                ourCheckSucceeded = true;
            }
        }
    }

    private String offer() {
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes(32));
        String media = "c=IN IP4 0.0.0.0\r\na=recvonly\r\na=rtcp-mux\r\na=setup:actpass\r\n"
                + "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n";
        return "v=0\r\no=- " + Math.abs(RANDOM.nextLong()) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=fingerprint:sha-256 " + fingerprint + "\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + media + "a=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" + media + "a=mid:1\r\na=rtpmap:96 VP8/90000\r\n";
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(p + " not in " + text);
        }
        return m.group(1);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String hex(int n) {
        return HexFormat.of().formatHex(bytes(n));
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
