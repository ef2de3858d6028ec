package io.relaycast.load;

import org.testng.annotations.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The causes the summary groups errors by, as the JDK reports them (no server needed: these are the exception
 * shapes a refused target and an exhausted machine produce), and what the summary then tells the operator.
 */
public class FailuresTest {

    @Test
    public void causesAreWhatAnOperatorCanActOn() {
        // the JDK HTTP client's refusal: ConnectException wrapping a ClosedChannelException
        ConnectException refused = new ConnectException();
        refused.initCause(new ClosedChannelException());
        assertEquals(Failures.cause(new IOException(refused)), Failures.REFUSED);
        assertEquals(Failures.cause(new ConnectException("Connection refused")), Failures.REFUSED);
        // out of ephemeral ports / descriptors: a bind that fails, or EMFILE
        assertEquals(Failures.cause(new BindException("Cannot assign requested address")), Failures.PORTS);
        assertEquals(Failures.cause(new SocketException("Too many open files")), Failures.PORTS);
        assertEquals(Failures.cause(new IOException(new java.net.SocketTimeoutException("read"))), Failures.TIMEOUT);
        assertEquals(Failures.cause(new IllegalStateException("x")), "IllegalStateException");
    }

    @Test
    public void failuresCountByCauseWithOneExample() {
        Failures f = new Failures();
        f.add(new SocketException("Too many open files"));
        f.add(new SocketException("Too many open files"));
        f.add("ICE did not connect", "no STUN answer");
        assertEquals(f.snapshot(), Map.of(Failures.PORTS, 2L, "ICE did not connect", 1L));
        assertEquals(f.total(), 3);
        assertTrue(f.example(Failures.PORTS).contains("Too many open files"));
    }

    @Test
    public void theSummarySaysWhatLimitedTheRun() {
        double[] slow = {12.5, 900, 2000, 2000};
        double[] joins = {1500, 2500, 3000, 3100.5};
        LoadSummary s = new LoadSummary("http://x", "s1", 20, 10, 8, 8, joins, null, 1000, 500, 1_000_000, 1500, 0.5,
                null, 0, 2, 2, 10, 10, 20, 20, slow, Map.of(Failures.PORTS, 2L), Map.of(Failures.PORTS, "EMFILE"), 3,
                0.99, 1.0, true);
        String text = s.format();
        assertFalse(s.ok());
        assertTrue(text.contains("8/10 connected"), text);
        // chat latency comes from a histogram that ends at 2 s; join times are exact
        assertTrue(text.contains("chat latency  p50 12.5 ms, p95 900.0 ms, p99 ≥ 2000 ms, max ≥ 2000 ms"), text);
        assertTrue(text.contains("join → first packet    p50 1500.0 ms, p95 2500.0 ms, p99 3000.0 ms, max 3100.5 ms"), text);
        assertTrue(text.contains("SATURATED"), text);
        assertTrue(text.contains("ran out of local ports"), text);
        assertTrue(text.contains("3 Socket.IO connects retried"), text);
        assertTrue(text.contains("NOT OK"), text);
    }
}
