package io.relaycast.load;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors by cause, for the summary. A cause is a short, stable phrase ("refused", "out of local ports"...), so a
 * run of 5,000 viewers prints a handful of lines and not 5,000 stack traces; the first message of each cause is
 * kept as its example.
 */
public final class Failures {
    public static final String REFUSED = "target refused the connection";
    public static final String UNREACHABLE = "target unreachable";
    public static final String TIMEOUT = "timed out";
    public static final String PORTS = "out of local ports or file descriptors";

    /** Socket.IO connects retried (not errors unless the last attempt fails too). */
    public final LongAdder retries = new LongAdder();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();

    public void add(String cause, String example) {
        counts.computeIfAbsent(cause, k -> new LongAdder()).increment();
        if (example != null) {
            examples.putIfAbsent(cause, example);
        }
    }

    public void add(Throwable t) {
        add(cause(t), String.valueOf(rootOf(t)));
    }

    public long count(String cause) {
        LongAdder a = counts.get(cause);
        return a == null ? 0 : a.sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Cause → count, sorted by cause. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public String example(String cause) {
        return examples.get(cause);
    }

    /** The phrase for an exception: what an operator can act on (the target, the network, this machine). */
    public static String cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException && !(c.getCause() instanceof BindException)) {
                return REFUSED; // the JDK client's refusal wraps a ClosedChannelException
            }
        }
        Throwable r = rootOf(t);
        String msg = String.valueOf(r.getMessage());
        if (r instanceof BindException || msg.contains("Cannot assign requested address")
                || msg.contains("Too many open files") || msg.contains("Address already in use")) {
            return PORTS;
        }
        if (r instanceof ConnectException || msg.contains("Connection refused")) {
            return REFUSED;
        }
        if (r instanceof UnknownHostException || r instanceof NoRouteToHostException) {
            return UNREACHABLE;
        }
        if (r instanceof SocketTimeoutException || r instanceof HttpTimeoutException
                || r instanceof HttpConnectTimeoutException || r instanceof java.util.concurrent.TimeoutException) {
            return TIMEOUT;
        }
        return r.getClass().getSimpleName();
    }

    static Throwable rootOf(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }
}
