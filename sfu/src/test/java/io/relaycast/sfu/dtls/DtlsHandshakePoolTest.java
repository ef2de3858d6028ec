package io.relaycast.sfu.dtls;

import org.testng.annotations.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/** Silent handshakes from one address take at most their share of the threads; everyone else still gets one. */
public class DtlsHandshakePoolTest {
    private static Runnable blockUntil(CountDownLatch release, CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    public void oneAddressIsCappedAndOthersAreNot() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (DtlsHandshakePool pool = new DtlsHandshakePool(new DtlsLimits(Duration.ofSeconds(5), 6, 4), Thread::new)) {
            InetAddress attacker = InetAddress.getByName("192.0.2.7");
            CountDownLatch started = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                pool.forPeer(attacker).execute(blockUntil(release, started));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertThrows(RejectedExecutionException.class, () -> pool.forPeer(attacker).execute(() -> { }));
            assertEquals(pool.refused(), 1);
            // another source still gets a thread
            CountDownLatch ran = new CountDownLatch(1);
            pool.forPeer(InetAddress.getByName("198.51.100.1")).execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            // the node-wide cap still holds: 4 attacker + 2 more blocked = 6, the 7th is refused
            CountDownLatch more = new CountDownLatch(2);
            // (the finished handshake's thread may not be waiting for work yet: retried until it is)
            submitEventually(pool, InetAddress.getByName("198.51.100.2"), blockUntil(release, more));
            submitEventually(pool, InetAddress.getByName("198.51.100.3"), blockUntil(release, more));
            assertTrue(more.await(10, TimeUnit.SECONDS));
            assertThrows(RejectedExecutionException.class,
                    () -> pool.forPeer(InetAddress.getByName("198.51.100.4")).execute(() -> { }));
            release.countDown();
            // finished handshakes give their slots back
            long end = System.currentTimeMillis() + 10_000;
            while (pool.running() > 0 && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            CountDownLatch again = new CountDownLatch(1);
            pool.forPeer(attacker).execute(again::countDown);
            assertTrue(again.await(10, TimeUnit.SECONDS), "the attacker's address is free again once its handshakes ended");
        }
    }

    private static void submitEventually(DtlsHandshakePool pool, InetAddress from, Runnable task) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                pool.forPeer(from).execute(task);
                return;
            } catch (RejectedExecutionException e) {
                if (System.currentTimeMillis() > end) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    @Test
    public void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new DtlsLimits(Duration.ZERO, 10, 2));
        assertThrows(IllegalArgumentException.class, () -> new DtlsLimits(Duration.ofSeconds(1), 4, 5));
    }
}
