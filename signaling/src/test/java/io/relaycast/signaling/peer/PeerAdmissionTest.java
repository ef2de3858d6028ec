package io.relaycast.signaling.peer;

import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import org.testng.annotations.Test;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

/** The counting rules behind PeerLimitsTest (which proves them over Socket.IO and HTTP with the real SFU). */
public class PeerAdmissionTest {

    @Test
    public void eachLimitRefusesAndAReleasedSlotComesBackOnce() {
        PeerAdmission peers = new PeerAdmission(new PeerLimits(2, 3, 5));
        PeerAdmission.Ticket a1 = peers.admit("ann", "192.0.2.1");
        peers.admit("ann", "192.0.2.2");
        assertEquals(expectThrows(ServiceException.class, () -> peers.admit("ann", "192.0.2.3")).code(),
                ErrorCode.PEER_LIMIT_REACHED, "per user");
        peers.admit(null, "192.0.2.1");
        peers.admit("bob", "192.0.2.1");
        assertEquals(expectThrows(ServiceException.class, () -> peers.admit(null, "192.0.2.1")).code(),
                ErrorCode.PEER_LIMIT_REACHED, "per address, anonymous too");
        peers.admit(null, "198.51.100.7");
        assertEquals(peers.open(), 5);
        assertEquals(expectThrows(ServiceException.class, () -> peers.admit("carol", "203.0.113.9")).code(),
                ErrorCode.PEER_LIMIT_REACHED, "per node");

        a1.release();
        a1.release(); // every clean-up path may release: counted once
        assertEquals(peers.open(), 4);
        peers.admit("ann", "192.0.2.1"); // ann's and the address's slot are back
        expectThrows(ServiceException.class, () -> peers.admit("dave", "203.0.113.9"));
    }
}
