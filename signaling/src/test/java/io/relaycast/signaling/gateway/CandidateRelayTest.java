package io.relaycast.signaling.gateway;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.api.IceCandidate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.testng.annotations.Test;

public class CandidateRelayTest {

    private static IceCandidate c(int i) {
        return new IceCandidate("candidate:" + i + " 1 udp 1 127.0.0.1 " + (10000 + i) + " typ host", "0", 0);
    }

    @Test
    public void holdsUntilOpenThenPassesStraightOnInOrder() {
        List<IceCandidate> sent = new ArrayList<>();
        CandidateRelay relay = new CandidateRelay(sent::add);
        relay.offer(c(1));
        relay.offer(c(2));
        assertTrue(sent.isEmpty(), "nothing before the description is out");
        assertEquals(relay.heldCount(), 2);
        relay.open();
        relay.offer(c(3));
        relay.open(); // idempotent: nothing is sent twice
        assertEquals(sent, List.of(c(1), c(2), c(3)));
    }

    @Test
    public void aDiscardedNegotiationSendsNothingAndHoldsABoundedNumber() {
        List<IceCandidate> sent = new ArrayList<>();
        CandidateRelay relay = new CandidateRelay(sent::add);
        for (int i = 0; i < CandidateRelay.MAX_HELD + 10; i++) {
            relay.offer(c(i));
        }
        assertEquals(relay.heldCount(), CandidateRelay.MAX_HELD);
        relay.discard();
        relay.open();
        relay.offer(c(999));
        assertTrue(sent.isEmpty(), String.valueOf(sent));
    }

    @Test
    public void candidatesRacingTheOpeningKeepTheirOrder() throws Exception {
        for (int round = 0; round < 50; round++) {
            List<IceCandidate> sent = new CopyOnWriteArrayList<>();
            CandidateRelay relay = new CandidateRelay(sent::add);
            CountDownLatch go = new CountDownLatch(1);
            Thread sfu = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 40; i++) {
                    relay.offer(c(i));
                }
            });
            sfu.start();
            go.countDown();
            relay.open();
            sfu.join(10_000);
            List<IceCandidate> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                expected.add(c(i));
            }
            assertEquals(sent, expected, "round " + round);
        }
    }
}
