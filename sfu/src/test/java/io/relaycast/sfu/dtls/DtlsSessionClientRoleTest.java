package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import io.relaycast.sfu.srtp.SrtpSession;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * Our session as the DTLS client (a peer that offered a=setup:passive, RFC 5763 §5), against our server session,
 * which {@link DtlsSessionTest} proves against BouncyCastle's reference client. Datagrams cross in memory.
 */
public class DtlsSessionClientRoleTest {
    private static final long TIMEOUT_SECONDS = 20;
    private static final DtlsCertificate OURS = DtlsCertificate.generate();
    private static final DtlsCertificate PEERS = DtlsCertificate.generate();
    private static final DtlsCertificate OTHER = DtlsCertificate.generate();

    private ExecutorService executor;

    @BeforeMethod
    public void createExecutor() {
        executor = Executors.newCachedThreadPool();
    }

    @AfterMethod(alwaysRun = true)
    public void stopExecutor() {
        executor.shutdownNow();
    }

    /** A client session and a server session wired to each other. */
    private static final class Link {
        final RecordingListener clientEvents = new RecordingListener();
        final RecordingListener serverEvents = new RecordingListener();
        final DtlsSession client;
        final DtlsSession server;

        Link(DtlsFingerprint clientExpects) {
            DtlsSession[] peers = new DtlsSession[2];
            client = new DtlsSession(DtlsRole.CLIENT, OURS, List.of(clientExpects),
                    (buf, off, len) -> peers[1].offer(buf, off, len), DtlsConfig.defaults(), clientEvents);
            server = new DtlsSession(DtlsRole.SERVER, PEERS, List.of(OURS.fingerprint()),
                    (buf, off, len) -> peers[0].offer(buf, off, len), DtlsConfig.defaults(), serverEvents);
            peers[0] = client;
            peers[1] = server;
        }
    }

    @Test
    public void asClientWeExportTheSameKeysAndProtectWithTheClientHalf() throws Exception {
        Link link = new Link(PEERS.fingerprint());
        CompletableFuture<SrtpKeyingMaterial> serverKeys = link.server.start(executor);
        CompletableFuture<SrtpKeyingMaterial> clientKeys = link.client.start(executor); // ClientHello goes out
        SrtpKeyingMaterial ours = clientKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        SrtpKeyingMaterial theirs = serverKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertEquals(ours, theirs, "both ends export the same EXTRACTOR-dtls_srtp material (RFC 5764 §4.2)");
        assertEquals(ours.profile(), SrtpProfile.SRTP_AEAD_AES_128_GCM, "GCM preferred");
        assertEquals(link.client.state(), DtlsSession.State.CONNECTED);
        assertEquals(link.client.role(), DtlsRole.CLIENT);
        assertEquals(link.client.debugState().get("role"), "CLIENT");

        // what we protect as client, a server unprotects: the role picks the right half of the keys
        SrtpSession clientSrtp = new SrtpSession(ours, DtlsRole.CLIENT.srtpRole());
        SrtpSession serverSrtp = new SrtpSession(theirs, DtlsRole.SERVER.srtpRole());
        byte[] packet = new byte[12 + 20 + 16];
        packet[0] = (byte) 0x80;
        packet[11] = 9;
        Arrays.fill(packet, 12, 32, (byte) 5);
        int len = clientSrtp.protectRtp(packet, 0, 32);
        assertEquals(serverSrtp.unprotectRtp(packet, 0, len), 32);
        assertEquals(packet[25], 5);
        // and the same key cannot be read by a session that took the wrong half
        byte[] again = new byte[12 + 20 + 16];
        again[0] = (byte) 0x80;
        again[11] = 10;
        int len2 = new SrtpSession(ours, DtlsRole.CLIENT.srtpRole()).protectRtp(again, 0, 32);
        assertTrue(new SrtpSession(theirs, DtlsRole.CLIENT.srtpRole()).unprotectRtp(again, 0, len2) < 0,
                "a receiver using the sender's half must fail authentication");
    }

    @Test
    public void aServerWhoseCertificateIsNotTheSignalledOneIsRefused() throws Exception {
        Link link = new Link(OTHER.fingerprint()); // the SDP promised another certificate
        link.server.start(executor);
        CompletableFuture<SrtpKeyingMaterial> clientKeys = link.client.start(executor);
        try {
            clientKeys.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            fail("the handshake must not complete with an unexpected server certificate");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof DtlsHandshakeException, String.valueOf(e.getCause()));
            assertEquals(((DtlsHandshakeException) e.getCause()).reason(),
                    DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
        }
        assertEquals(link.client.state(), DtlsSession.State.FAILED);
        assertTrue(link.clientEvents.completed.isEmpty(), "no keys were handed out");
        assertEquals(link.clientEvents.failed.size(), 1);
    }
}
