package io.relaycast.sfu.dtls;

import java.io.IOException;
import java.util.Objects;

/** Why a DTLS-SRTP handshake did not produce keys. */
public final class DtlsHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The client's certificate does not hash to the SDP fingerprint (RFC 5763 §5, RFC 8122 §5). */
        FINGERPRINT_MISMATCH,
        /** The client sent no certificate although we requested one (RFC 5763 §5). */
        NO_CLIENT_CERTIFICATE,
        /** No use_srtp extension, or no profile we implement in it (RFC 5764 §4.1.1). */
        NO_COMMON_SRTP_PROFILE,
        /** {@link DtlsConfig#handshakeTimeout()} elapsed. */
        TIMEOUT,
        /** The session was closed before the handshake finished. */
        CLOSED,
        /** The peer sent a fatal alert. */
        PEER_ALERT,
        /** Anything else the TLS stack rejected. */
        PROTOCOL_ERROR
    }

    private final Reason reason;

    public DtlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
