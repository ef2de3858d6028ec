package io.relaycast.sfu.sdp;

import java.util.Locale;
import java.util.Optional;

/**
 * The a=setup values of RFC 4145 section 4, used by DTLS-SRTP per RFC 5763 section 5 and RFC 8842.
 * {@code active} opens the connection, i.e. is the DTLS client; {@code passive} is the DTLS server.
 */
public enum DtlsSetup {
    ACTPASS, ACTIVE, PASSIVE, HOLDCONN;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the side that wrote this value runs the DTLS server. */
    public boolean isDtlsServer() {
        return this == PASSIVE;
    }

    public static Optional<DtlsSetup> parse(String value) {
        for (DtlsSetup setup : values()) {
            if (setup.value().equals(value)) {
                return Optional.of(setup);
            }
        }
        return Optional.empty();
    }
}
