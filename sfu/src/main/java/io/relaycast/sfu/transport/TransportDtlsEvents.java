package io.relaycast.sfu.transport;

import io.relaycast.sfu.dtls.DtlsHandshakeException;
import io.relaycast.sfu.dtls.DtlsSession;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;

/** DTLS session events of one transport: keys → SRTP session; failure or peer close → the transport ends. */
final class TransportDtlsEvents implements DtlsSession.Listener {
    private final WebRtcTransport transport;

    TransportDtlsEvents(WebRtcTransport transport) {
        this.transport = transport;
    }

    @Override
    public void onHandshakeComplete(SrtpKeyingMaterial keys) {
        transport.keysReady(keys);
    }

    @Override
    public void onHandshakeFailed(DtlsHandshakeException error) {
        transport.fail("DTLS handshake failed: " + error.getMessage());
    }

    @Override
    public void onClosed(DtlsSession.CloseCause cause) {
        if (cause != DtlsSession.CloseCause.LOCAL) {
            transport.fail(cause == DtlsSession.CloseCause.PEER_CLOSE_NOTIFY ? "the peer closed DTLS" : "DTLS error");
        }
    }
}
