package io.relaycast.sfu.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The client half of an in-memory datagram pipe: what the server sends lands in {@link #inbox}; what the
 * client sends is offered straight to the server session, as the ICE layer would.
 */
final class InMemoryClientTransport implements DatagramTransport {
    final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private volatile DtlsSession server;
    private volatile Runnable beforeEachSend = () -> { };
    private volatile boolean closed;

    /** The server's {@link DatagramSender}: copies each datagram into the client's inbox. */
    DatagramSender serverSender() {
        return (buf, off, len) -> inbox.add(Arrays.copyOfRange(buf, off, off + len));
    }

    void connectTo(DtlsSession session) {
        this.server = session;
    }

    void beforeEachSend(Runnable hook) {
        this.beforeEachSend = hook;
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return 1200;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("client transport closed");
        }
        try {
            byte[] datagram = waitMillis > 0 ? inbox.poll(waitMillis, TimeUnit.MILLISECONDS) : inbox.take();
            if (datagram == null) {
                return -1;
            }
            int n = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        beforeEachSend.run();
        server.offer(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
    }
}
