package io.relaycast.sfu.transport;

import io.relaycast.sfu.ice.IceSessionListener;
import io.relaycast.sfu.ice.IceEndReason;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.ice.SelectedPair;

/**
 * Routes ICE events to the transport created after the session (the session must exist first). One listener
 * serves every session of the transport, the restarted ones too: the session argument tells them apart.
 */
final class TransportIceEvents implements IceSessionListener {
    volatile WebRtcTransport transport;

    @Override
    public void onConnected(IceSession session, SelectedPair pair) {
        WebRtcTransport t = transport;
        if (t != null) {
            t.iceConnected(session);
        }
    }

    @Override
    public void onFailed(IceSession session, IceEndReason reason) {
        WebRtcTransport t = transport;
        if (t != null) {
            t.iceEnded(session, reason);
        }
    }

    @Override
    public void onClosed(IceSession session, IceEndReason reason) {
        WebRtcTransport t = transport;
        if (t != null) {
            t.iceEnded(session, reason);
        }
    }
}
