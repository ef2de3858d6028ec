package io.relaycast.sfu.forward;

import org.testng.annotations.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * A worker that falls behind sheds what waited longer than {@code forwarding-max-queue-delay} instead of forwarding
 * it late: the packets queued behind a stalled delivery are counted {@code late} and never delivered, and what is
 * dispatched once the worker has caught up is delivered as usual. With the bound off, everything is delivered, late.
 */
public class ForwardingQueueDelayTest {
    private static final long BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Delivers by recording the packet's first byte; the first packet (0) stalls the worker for {@code stallMs}. */
    private static final class StallingFanOut implements FanOut<Object> {
        final List<Integer> delivered = new CopyOnWriteArrayList<>();
        final CountDownLatch stalled = new CountDownLatch(1);
        final long stallMs;

        StallingFanOut(long stallMs) {
            this.stallMs = stallMs;
        }

        @Override
        public void deliver(PooledPacket<Object> packet, int worker) {
            int id = packet.data[0];
            delivered.add(id);
            if (id == 0) {
                stalled.countDown();
                try {
                    Thread.sleep(stallMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void send(ForwardingWorkers<Object> workers, FanOut<Object> target, int id) {
        PooledPacket<Object> p = workers.acquire(10);
        p.data[0] = (byte) id;
        p.length = 10;
        workers.dispatch(p, target, new int[] {0});
    }

    private static List<Integer> run(long boundNanos, StallingFanOut fanOut, ForwardingWorkers<Object> workers)
            throws InterruptedException {
        send(workers, fanOut, 0);
        assertTrue(fanOut.stalled.await(5, TimeUnit.SECONDS));
        for (int id = 1; id <= 5; id++) {
            send(workers, fanOut, id); // queued behind the stall: each waits ~stallMs
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queued(workers) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        send(workers, fanOut, 6); // the worker has caught up: on time
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!fanOut.delivered.contains(6) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return fanOut.delivered;
    }

    @SuppressWarnings("unchecked")
    private static int queued(ForwardingWorkers<Object> workers) {
        List<java.util.Map<String, Object>> each = (List<java.util.Map<String, Object>>) workers.debugState().get("workers");
        return ((Number) each.get(0).get("queued")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static long late(ForwardingWorkers<Object> workers) {
        List<java.util.Map<String, Object>> each = (List<java.util.Map<String, Object>>) workers.debugState().get("workers");
        return ((Number) each.get(0).get("late")).longValue();
    }

    @Test
    public void packetsThatWaitedPastTheBoundAreShedAndCounted() throws Exception {
        StallingFanOut fanOut = new StallingFanOut(300);
        try (ForwardingWorkers<Object> workers = new ForwardingWorkers<>(new ForwardingConfig(1, 16, 32, BOUND_NANOS), 64, Object::new)) {
            List<Integer> delivered = run(BOUND_NANOS, fanOut, workers);
            assertEquals(delivered, List.of(0, 6), "the stale packets 1-5 were shed, the next one delivered");
            assertEquals(late(workers), 5L);
            assertEquals(workers.dropped(), 5L);
        }
    }

    @Test
    public void withoutTheBoundEverythingIsDeliveredLate() throws Exception {
        StallingFanOut fanOut = new StallingFanOut(300);
        try (ForwardingWorkers<Object> workers = new ForwardingWorkers<>(new ForwardingConfig(1, 16, 32, 0), 64, Object::new)) {
            List<Integer> delivered = run(0, fanOut, workers);
            assertEquals(delivered, List.of(0, 1, 2, 3, 4, 5, 6));
            assertEquals(late(workers), 0L);
        }
    }
}
