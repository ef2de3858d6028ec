package io.relaycast.sfu.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Adapts the ICE layer's push model to the pull model of BouncyCastle's DTLS stack.
 *
 * <p>The ICE thread {@link #offer}s each received DTLS datagram; bctls pulls them with {@link #receive}. Sending
 * goes straight to a {@link DatagramSender}. The queue is bounded: DTLS runs over an unreliable transport
 * (RFC 6347 §4.1) and recovers a dropped datagram by retransmission, so dropping when full is safe.
 *
 * <p>Two receive modes. While the handshake thread owns the stack, {@link #receive} blocks up to the wait bctls
 * asks for, so its retransmission timers run (RFC 6347 §4.2.4). After the handshake there is no dedicated
 * thread: the pushing thread drains the stack itself, and {@link #receive} never blocks; when the queue is
 * empty it throws {@link #DRAINED}, an {@link InterruptedIOException} that bctls passes up without failing the
 * connection (it would busy-loop on a plain timeout until its own wait elapsed).
 *
 * <p>{@link #close()} wakes a blocked receiver at once, so a handshake thread never outlives its session.
 */
final class QueuedDatagramTransport implements DatagramTransport {
    /** Signals "nothing queued" in push mode; preallocated without a stack trace, as it is routine. */
    static final InterruptedIOException DRAINED = new InterruptedIOException("DTLS receive queue drained") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    /** Ethernet-sized datagrams can always be received even if our own MTU is configured lower. */
    private static final int MIN_RECEIVE_LIMIT = 1500;
    private static final byte[] CLOSED_MARKER = new byte[0];

    private final int mtu;
    private final int receiveLimit;
    private final BlockingQueue<byte[]> queue;
    private final DatagramSender sender;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean pushMode;

    QueuedDatagramTransport(int mtu, int capacity, DatagramSender sender) {
        this.mtu = mtu;
        this.receiveLimit = Math.max(mtu, MIN_RECEIVE_LIMIT);
        // One slot more than asked, so that close() can always insert its marker.
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.sender = sender;
    }

    /**
     * Queues a copy of a received datagram. Returns {@code false} (and counts a drop) if the transport is
     * closed, the queue is full, or the datagram is larger than {@link #getReceiveLimit()}.
     */
    boolean offer(byte[] buf, int off, int len) {
        if (closed || len <= 0 || len > receiveLimit || queue.remainingCapacity() <= 1) {
            dropped.incrementAndGet();
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        if (!queue.offer(copy)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** From now on {@link #receive} never blocks (see the class comment). */
    void enterPushMode() {
        pushMode = true;
    }

    long droppedDatagrams() {
        return dropped.get();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public int getReceiveLimit() {
        return receiveLimit;
    }

    @Override
    public int getSendLimit() {
        return mtu;
    }

    /**
     * Returns the next datagram's length, or -1 if {@code waitMillis} passed without one (0 waits until a
     * datagram arrives or the transport closes, as for a socket). In push mode, throws {@link #DRAINED} instead
     * of waiting.
     */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram;
        try {
            if (pushMode) {
                datagram = queue.poll();
                if (datagram == null) {
                    throw DRAINED;
                }
            } else if (waitMillis > 0) {
                datagram = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
            } else {
                datagram = queue.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a DTLS datagram");
        }
        if (datagram == null) {
            return -1;
        }
        if (datagram == CLOSED_MARKER) {
            queue.offer(CLOSED_MARKER); // leave it for any other waiter
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        sender.send(buf, off, len);
    }

    /** Closes the transport and wakes any blocked receiver; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        while (!queue.offer(CLOSED_MARKER)) {
            queue.poll(); // an offer raced past the closed check; make room for the marker
        }
    }
}
