package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Our end of a DTLS-SRTP handshake, server ({@link DtlsSrtpServer}) or client ({@link DtlsSrtpClient}): runs the
 * handshake over a datagram transport and reports what came of it. One instance per handshake.
 */
interface DtlsSrtpPeer {
    /** Callbacks into the owning session. */
    interface Events {
        void alertReceived(short level, short description);
    }

    /** Runs the whole handshake on the calling thread (bctls blocks in receive until each flight arrives). */
    DTLSTransport handshake(DatagramTransport transport) throws IOException;

    /** The exported keys, or {@code null} until the handshake completed. */
    SrtpKeyingMaterial keyingMaterial();

    /** The negotiated profile, or {@code null} before it is known. */
    SrtpProfile selectedProfile();

    /** Set when we aborted the handshake for a reason of our own (fingerprint, certificate, profile). */
    DtlsHandshakeException.Reason failureReason();

    String failureDetail();
}
