package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpRole;

/**
 * Which end of the DTLS handshake we are, decided by the SDP offer/answer (RFC 5763 §5, RFC 8842 §5): the side
 * that ends up {@code a=setup:active} is the client and sends the ClientHello, {@code passive} is the server.
 */
public enum DtlsRole {
    SERVER, CLIENT;

    /** Which half of the exported keying material protects what we send (RFC 5764 §4.2). */
    public SrtpRole srtpRole() {
        return this == SERVER ? SrtpRole.SERVER : SrtpRole.CLIENT;
    }
}
