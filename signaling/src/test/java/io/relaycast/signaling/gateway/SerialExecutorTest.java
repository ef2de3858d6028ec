package io.relaycast.signaling.gateway;

import org.testng.annotations.Test;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/** One connection's overflow and close never cost another connection its events (issue 11, item 2). */
public class SerialExecutorTest {
    @Test
    public void anOverflowingConnectionClosingLeavesTheOthersQueuedEventsAlone() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100));
        ExecutorService fallback = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch hold = new CountDownLatch(1);
            SerialExecutor busy = new SerialExecutor(pool, fallback, 10);
            busy.execute(() -> await(hold)); // the only pool thread is taken
            SerialExecutor flooder = new SerialExecutor(pool, fallback, 5);
            SerialExecutor other = new SerialExecutor(pool, fallback, 5);
            List<String> ran = new CopyOnWriteArrayList<>();
            other.execute(() -> ran.add("other 1"));
            for (int i = 0; i < 5; i++) {
                int n = i;
                flooder.execute(() -> ran.add("flood " + n));
            }
            assertThrows(RejectedExecutionException.class, () -> flooder.execute(() -> ran.add("flood 6")));
            CountDownLatch cleaned = new CountDownLatch(1);
            flooder.closeWith(() -> {
                ran.add("flooder clean-up");
                cleaned.countDown();
            });
            assertThrows(RejectedExecutionException.class, () -> flooder.execute(() -> ran.add("after close")));
            hold.countDown();
            assertTrue(cleaned.await(10, TimeUnit.SECONDS));
            CountDownLatch later = new CountDownLatch(1);
            other.execute(later::countDown);
            assertTrue(later.await(10, TimeUnit.SECONDS), "the other connection still runs events");
            assertTrue(ran.contains("other 1"), ran.toString());
            assertTrue(ran.stream().noneMatch(r -> r.startsWith("flood ")), "a closed connection's backlog is dropped: " + ran);
        } finally {
            pool.shutdownNow();
            fallback.shutdownNow();
        }
    }

    @Test
    public void closeRunsOnTheFallbackWhenThePoolIsSaturated() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        ExecutorService fallback = Executors.newSingleThreadExecutor();
        CountDownLatch hold = new CountDownLatch(1);
        try {
            new SerialExecutor(pool, fallback, 10).execute(() -> await(hold));
            new SerialExecutor(pool, fallback, 10).execute(() -> { }); // fills the pool's queue
            SerialExecutor closing = new SerialExecutor(pool, fallback, 10);
            CountDownLatch cleaned = new CountDownLatch(1);
            closing.closeWith(cleaned::countDown);
            assertTrue(cleaned.await(10, TimeUnit.SECONDS), "clean-up ran although the pool refused it");
        } finally {
            hold.countDown();
            pool.shutdownNow();
            fallback.shutdownNow();
        }
    }

    @Test
    public void aBusyConnectionYieldsItsThreadEverySixteenEvents() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100));
        try {
            CountDownLatch hold = new CountDownLatch(1);
            SerialExecutor a = new SerialExecutor(pool, Runnable::run, 100);
            SerialExecutor b = new SerialExecutor(pool, Runnable::run, 100);
            List<String> order = new CopyOnWriteArrayList<>();
            a.execute(() -> await(hold));
            for (int i = 0; i < 40; i++) {
                a.execute(() -> order.add("a"));
            }
            CountDownLatch bDone = new CountDownLatch(1);
            b.execute(() -> {
                order.add("b");
                bDone.countDown();
            });
            hold.countDown();
            assertTrue(bDone.await(10, TimeUnit.SECONDS));
            assertTrue(order.indexOf("b") <= SerialExecutor.BATCH, "b ran after at most one batch of a: " + order.indexOf("b"));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
