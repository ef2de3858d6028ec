package io.relaycast.sfu.ice;

import org.ice4j.util.Buffer;
import org.testng.annotations.Test;

import java.net.InetSocketAddress;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotSame;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;

public class ReceiveBufferPoolTest {

    @Test
    public void reusesReturnedBuffers() {
        ReceiveBufferPool pool = new ReceiveBufferPool(2);
        Buffer a = pool.acquire(100);
        assertEquals(a.getBuffer().length, ReceiveBufferPool.BUFFER_SIZE);
        assertEquals(a.getOffset(), 0);
        assertEquals(a.getLength(), 100);
        a.setRemoteAddress(new InetSocketAddress(5000));
        pool.release(a);
        assertEquals(pool.available(), 1);
        Buffer again = pool.acquire(1500);
        assertSame(again, a);
        assertEquals(again.getLength(), 1500);
        assertNull(again.getRemoteAddress(), "a reused buffer must not carry the last sender");
        assertEquals(pool.available(), 0);
    }

    @Test
    public void staysBounded() {
        ReceiveBufferPool pool = new ReceiveBufferPool(2);
        Buffer a = pool.acquire(1);
        Buffer b = pool.acquire(1);
        Buffer c = pool.acquire(1);
        assertNotSame(a, b);
        pool.release(a);
        pool.release(b);
        pool.release(c);
        assertEquals(pool.available(), 2);
    }

    @Test
    public void doesNotPoolOversizedBuffers() {
        ReceiveBufferPool pool = new ReceiveBufferPool(2);
        Buffer big = pool.acquire(9000);
        assertEquals(big.getBuffer().length, 9000);
        pool.release(big);
        assertEquals(pool.available(), 0);
    }
}
