package io.relaycast.sfu.transport;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsConfig;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsHandshakePool;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.dtls.DtlsSession;
import io.relaycast.sfu.ice.SelectedPair;
import io.relaycast.sfu.ice.SendStatus;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.Executor;

/**
 * The DTLS side of one transport: the session is created with the role of the negotiated a=setup (RFC 5763 section
 * 5) once the remote description is in; as server it starts on the peer's first record, as client once ICE has a
 * path. Records arrive from the packet demultiplexer and leave on the current ICE session; handshakes run on the
 * SFU's pool, limited per remote address (issue 11).
 */
final class DtlsBinding {
    private final DtlsCertificate certificate;
    private final DtlsConfig config;
    private final Executor handshakes;
    private final IcePaths paths;
    private final TransportCounters counters;
    private volatile DtlsSession session;

    DtlsBinding(DtlsCertificate certificate, DtlsConfig config, Executor handshakes, IcePaths paths,
                TransportCounters counters) {
        this.certificate = certificate;
        this.config = config;
        this.handshakes = handshakes;
        this.paths = paths;
        this.counters = counters;
    }

    /** Null before the remote description. */
    DtlsSession session() {
        return session;
    }

    /**
     * Created now; a server starts on the first DTLS record (offer() queues until then, RFC 6347 section 4.2.4),
     * a client once ICE has a path.
     */
    DtlsSession create(DtlsRole localRole, Collection<DtlsFingerprint> remoteFingerprints,
                       DtlsSession.Listener events) {
        DtlsSession d = new DtlsSession(localRole, certificate, remoteFingerprints, this::send, config, events);
        session = d;
        return d;
    }

    /** A DTLS record from the peer (receive thread). */
    void onRecord(byte[] buf, int off, int len) {
        DtlsSession d = session;
        if (d == null) {
            counters.droppedBeforeKeys.increment(); // before the remote description: the client retransmits
            return;
        }
        counters.dtlsIn.increment();
        d.offer(buf, off, len);
        if (d.state() == DtlsSession.State.NEW) {
            d.start(handshakeExecutor());
        }
    }

    /** ICE selected a pair: as client we speak first now (start() is idempotent for a later session). */
    void onPath() {
        DtlsSession d = session;
        if (d != null && d.role() == DtlsRole.CLIENT) {
            d.start(handshakeExecutor());
        }
    }

    /** Where a handshake with the current peer runs: limited per remote address when the pool can (issue 11). */
    private Executor handshakeExecutor() {
        SelectedPair pair = paths.current().selectedPair();
        return handshakes instanceof DtlsHandshakePool pool
                ? pool.forPeer(pair == null ? null : pair.remote().getAddress()) : handshakes;
    }

    private void send(byte[] buf, int off, int len) throws IOException {
        SendStatus status = paths.current().send(buf, off, len);
        if (status == SendStatus.IO_ERROR) {
            throw new IOException("DTLS datagram not sent: " + status);
        }
        // NOT_CONNECTED: lost like on any network; bctls retransmits the flight (RFC 6347 section 4.2.4)
    }

    void close() {
        DtlsSession d = session;
        if (d != null) {
            d.close();
        }
    }

    Object debugState() {
        DtlsSession d = session;
        return d == null ? null : d.debugState();
    }
}
