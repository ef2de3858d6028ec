package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * What one DTLS-SRTP handshake produced, or why we aborted it, written by the bctls callbacks of our end (server
 * or client) on the handshake thread and read by {@link DtlsSession} afterwards. Both ends check the peer's
 * certificate and export the keys the same way, here.
 */
final class HandshakeOutcome {
    private final Collection<DtlsFingerprint> remoteFingerprints;
    private volatile SrtpProfile profile;
    private volatile SrtpKeyingMaterial keys;
    private volatile DtlsHandshakeException.Reason failureReason;
    private volatile String failureDetail;

    HandshakeOutcome(Collection<DtlsFingerprint> remoteFingerprints) {
        this.remoteFingerprints = DtlsFingerprint.strongest(remoteFingerprints);
    }

    void chose(SrtpProfile chosen) {
        profile = chosen;
    }

    /** The negotiated profile, or {@code null} before it is known. */
    SrtpProfile profile() {
        return profile;
    }

    /** The exported keys, or {@code null} until the handshake completed. */
    SrtpKeyingMaterial keys() {
        return keys;
    }

    /** Set when we aborted the handshake for a reason of our own (fingerprint, certificate, profile). */
    DtlsHandshakeException.Reason failureReason() {
        return failureReason;
    }

    String failureDetail() {
        return failureDetail;
    }

    /** Records why we abort and returns the alert to throw at bctls, which sends it to the peer. */
    TlsFatalAlert abort(DtlsHandshakeException.Reason reason, String detail, short alert) {
        failureReason = reason;
        failureDetail = detail;
        return new TlsFatalAlert(alert, detail);
    }

    /**
     * The peer is identified by its self-signed certificate's fingerprint in the SDP (RFC 5763 §5, RFC 8122 §5):
     * its first certificate must hash to one of them, whatever else it says.
     *
     * @param missing the reason to report when the peer sent no certificate at all
     */
    void requireSignalledCertificate(Certificate peer, String who, DtlsHandshakeException.Reason missing)
            throws IOException {
        if (peer == null || peer.isEmpty()) {
            // RFC 5246 §7.4.6: a peer without the certificate we need is refused with handshake_failure
            throw abort(missing, who + " sent no certificate", AlertDescription.handshake_failure);
        }
        byte[] der = peer.getCertificateAt(0).getEncoded();
        for (DtlsFingerprint expected : remoteFingerprints) {
            if (expected.matches(der)) {
                return;
            }
        }
        throw abort(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH, who + " certificate "
                + DtlsFingerprint.of("sha-256", der) + " matches none of " + remoteFingerprints,
                AlertDescription.bad_certificate);
    }

    /** The "EXTRACTOR-dtls_srtp" exporter (RFC 5764 §4.2), once the handshake is complete; the copy is wiped. */
    void exportKeys(TlsContext context) {
        SrtpProfile chosen = profile;
        byte[] exported = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, chosen.keyingMaterialLength());
        try {
            keys = SrtpKeyingMaterial.fromDtlsExport(chosen, exported);
        } finally {
            Arrays.fill(exported, (byte) 0);
        }
    }
}
