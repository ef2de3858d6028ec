package io.relaycast.signaling.peer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code relaycast.peers}: how many WebRTC peers (SFU peer connections: a Socket.IO publish or join, a WHIP
 * publication, a WHEP playback) may be open on this node at once, per signed-in user, per remote IP address and in
 * total. Each peer costs the node ICE and DTLS state, SRTP contexts and a share of a forwarding thread; without a
 * bound one account or one host could open them until the node stops serving everyone else.
 *
 * @param maxPerUser    peers of one signed-in user (anonymous viewers are bounded per address only)
 * @param maxPerAddress peers from one remote IP address (signed in or not)
 * @param maxPerNode    peers on this node
 */
public record PeerLimits(int maxPerUser, int maxPerAddress, int maxPerNode) {
    /** 10 per user (tabs and devices of one person), 64 per address (an office behind one NAT), 2000 per node. */
    public static final PeerLimits DEFAULTS = new PeerLimits(10, 64, 2000);

    public PeerLimits {
        if (maxPerUser < 1 || maxPerAddress < 1 || maxPerNode < 1) {
            throw new IllegalArgumentException("peer limits must be at least 1");
        }
    }

    public static PeerLimits from(Config c) {
        int user = atLeastOne(c, "max-per-user");
        int address = atLeastOne(c, "max-per-address");
        int node = atLeastOne(c, "max-per-node");
        return new PeerLimits(user, address, node);
    }

    private static int atLeastOne(Config c, String key) {
        int v = c.getInt(key);
        if (v < 1) {
            throw new ConfigException.BadValue(c.origin(), key, "must be at least 1");
        }
        return v;
    }
}
