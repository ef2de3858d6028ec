package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

public class QueuedDatagramTransportTest {

    @Test
    public void queueIsBoundedAndCopiesDatagrams() throws IOException {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 2, (b, o, l) -> { });
        byte[] datagram = {22, 1, 2, 3};
        assertTrue(t.offer(datagram, 0, 4));
        datagram[1] = 99; // the queued copy must not change
        assertTrue(t.offer(datagram, 1, 2));
        assertFalse(t.offer(datagram, 0, 4), "third datagram exceeds capacity 2");
        assertEquals(t.droppedDatagrams(), 1);
        byte[] buf = new byte[10];
        assertEquals(t.receive(buf, 3, 7, 10), 4);
        assertEquals(buf[4], 1);
        assertEquals(t.receive(buf, 0, 10, 10), 2);
        assertEquals(buf[0], 99);
    }

    @Test
    public void limitsFollowTheMtu() throws IOException {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 4, (b, o, l) -> { });
        assertEquals(t.getSendLimit(), 1200);
        assertEquals(t.getReceiveLimit(), 1500);
        assertFalse(t.offer(new byte[1501], 0, 1501), "larger than the receive limit");
        assertFalse(t.offer(new byte[0], 0, 0), "empty");
        assertEquals(new QueuedDatagramTransport(9000, 4, (b, o, l) -> { }).getReceiveLimit(), 9000);
    }

    @Test
    public void receiveTimesOutWithMinusOne() throws IOException {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 4, (b, o, l) -> { });
        long start = System.nanoTime();
        assertEquals(t.receive(new byte[100], 0, 100, 50), -1);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(40));
    }

    @Test
    public void closeWakesABlockedReceiverAndRefusesEverything() throws Exception {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 4, (b, o, l) -> { });
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                t.receive(new byte[100], 0, 100, 0); // 0 = wait without limit
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(100);
        assertFalse(blocked.isDone(), "receiver waits");
        t.close();
        Throwable woken = blocked.get(1, TimeUnit.SECONDS);
        assertTrue(woken instanceof IOException && woken.getMessage().contains("closed"), String.valueOf(woken));
        assertFalse(t.offer(new byte[] {22}, 0, 1));
        assertThrows(IOException.class, () -> t.send(new byte[] {1}, 0, 1));
        assertThrows(IOException.class, () -> t.receive(new byte[10], 0, 10, 10));
        t.close(); // idempotent
    }

    @Test
    public void closeSucceedsEvenWithAFullQueue() throws Exception {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 1, (b, o, l) -> { });
        assertTrue(t.offer(new byte[] {22}, 0, 1));
        t.close();
        assertThrows(IOException.class, () -> t.receive(new byte[10], 0, 10, 0));
    }

    @Test
    public void pushModeNeverBlocks() throws IOException {
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 4, (b, o, l) -> { });
        t.enterPushMode();
        t.offer(new byte[] {23, 1}, 0, 2);
        assertEquals(t.receive(new byte[10], 0, 10, 60_000), 2);
        long start = System.nanoTime();
        try {
            t.receive(new byte[10], 0, 10, 60_000);
            fail("an empty queue in push mode must signal DRAINED");
        } catch (InterruptedIOException e) {
            assertSame(e, QueuedDatagramTransport.DRAINED);
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    public void sendGoesToTheSender() throws IOException {
        List<String> sent = new ArrayList<>();
        QueuedDatagramTransport t = new QueuedDatagramTransport(1200, 4,
                (b, o, l) -> sent.add(o + ":" + l + ":" + b[o]));
        t.send(new byte[] {0, 0, 7, 0}, 2, 1);
        assertEquals(sent, List.of("2:1:7"));
    }
}
