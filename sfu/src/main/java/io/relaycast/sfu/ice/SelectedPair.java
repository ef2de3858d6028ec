package io.relaycast.sfu.ice;

import org.ice4j.ice.CandidatePair;

import java.net.InetSocketAddress;

/** The candidate pair ICE selected (RFC 8445 §8.1.1), as the SFU and its debug output see it. */
public record SelectedPair(InetSocketAddress local, String localType, InetSocketAddress remote, String remoteType) {

    static SelectedPair of(CandidatePair pair) {
        return new SelectedPair(plain(pair.getLocalCandidate().getTransportAddress()),
                pair.getLocalCandidate().getType().toString(),
                plain(pair.getRemoteCandidate().getTransportAddress()),
                pair.getRemoteCandidate().getType().toString());
    }

    /** ice4j's TransportAddress subclass compares unequal to plain addresses; keep the plain kind. */
    static InetSocketAddress plain(InetSocketAddress a) {
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }

    @Override
    public String toString() {
        return local.getAddress().getHostAddress() + ':' + local.getPort() + '/' + localType + " -> "
                + remote.getAddress().getHostAddress() + ':' + remote.getPort() + '/' + remoteType;
    }
}
