package io.relaycast.sfu.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Each forwarding worker's own UDP sockets on the shared media port, one per bound address, so the workers' sends
 * never wait for each other: a JDK datagram socket holds a lock for the whole {@code sendto}, and ice4j's pool of
 * send sockets picks one under a monitor shared by every sender (decision 75).
 *
 * <p>They are bound with SO_REUSEADDR before ice4j binds its own sockets to the same address and port. On Linux a
 * datagram for an address and port shared by several such sockets goes to the one bound last (the newest at the head
 * of the kernel's lookup chain; ice4j's own pool relies on the same rule for its receive socket), so ice4j's receive
 * socket keeps getting every datagram and these sockets only ever send. That holds among sockets of the same
 * family only (the kernel prefers an IPv4 socket to a dual-stack one), so these are opened like ice4j's
 * {@code DatagramSocket}s. {@code SendSocketsTest} checks the rule on the machine the tests run on.
 *
 * <p>Sends are non-blocking: a full socket buffer drops the packet (counted) rather than stalling a worker and with
 * it a shard of every room. Each worker has a direct buffer it copies the packet into (the JDK would copy a heap
 * buffer into a temporary direct one anyway), so a send allocates nothing.
 */
public final class SendSockets implements AutoCloseable {
    private final InetSocketAddress[] local;
    private final DatagramChannel[][] channels; // [address][worker]
    private final ByteBuffer[] buffers; // [worker]
    private final LongAdder bufferFull = new LongAdder();
    private final LongAdder errors = new LongAdder();

    private SendSockets(InetSocketAddress[] local, DatagramChannel[][] channels, int workers) {
        this.local = local;
        this.channels = channels;
        this.buffers = new ByteBuffer[workers];
        for (int i = 0; i < workers; i++) {
            buffers[i] = ByteBuffer.allocateDirect(2048);
        }
    }

    /** No sockets of its own: every send goes through ice4j. */
    static SendSockets none() {
        return new SendSockets(new InetSocketAddress[0], new DatagramChannel[0][], 0);
    }

    /**
     * Binds {@code workers} sockets on {@code address} at {@code port} (0: the first bind picks it and the rest
     * follow). Call before ice4j binds the same address and port.
     */
    static DatagramChannel[] bindOne(InetAddress address, int port, int workers) throws IOException {
        DatagramChannel[] perWorker = new DatagramChannel[workers];
        try {
            int p = port;
            for (int w = 0; w < workers; w++) {
                // the JDK's default family, as ice4j's DatagramSocket has: the kernel prefers an IPv4-only socket over
                // a dual-stack one for an IPv4 datagram, so an INET channel here would take ice4j's traffic
                DatagramChannel ch = DatagramChannel.open();
                perWorker[w] = ch;
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(address, p));
                ch.configureBlocking(false);
                p = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            }
            return perWorker;
        } catch (IOException | RuntimeException e) {
            closeAll(perWorker);
            throw e;
        }
    }

    /** The sockets {@link #bindOne} bound, one array per address. */
    static SendSockets of(List<DatagramChannel[]> perAddress, int workers) throws IOException {
        InetSocketAddress[] local = new InetSocketAddress[perAddress.size()];
        for (int i = 0; i < local.length; i++) {
            local[i] = (InetSocketAddress) perAddress.get(i)[0].getLocalAddress();
        }
        return new SendSockets(local, perAddress.toArray(new DatagramChannel[0][]), workers);
    }

    /** Closes sockets of an address ice4j then failed to bind. */
    static void release(DatagramChannel[] perWorker) {
        closeAll(perWorker);
    }

    /** The index of the sockets bound to {@code address}, or -1 (then the caller sends through ice4j). */
    int indexOf(InetAddress address) {
        for (int i = 0; i < local.length; i++) {
            if (local[i].getAddress().equals(address)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Sends from worker {@code worker}'s socket on address {@code index}. True when the kernel took the datagram;
     * false (counted) when its buffer was full or the send failed.
     */
    boolean send(int index, int worker, byte[] buf, int off, int len, InetSocketAddress remote) {
        ByteBuffer b = buffers[worker];
        b.clear();
        b.put(buf, off, len);
        b.flip();
        try {
            if (channels[index][worker].send(b, remote) == 0) {
                bufferFull.increment();
                return false;
            }
            return true;
        } catch (IOException e) {
            errors.increment(); // counted, not logged: this is the packet path
            return false;
        }
    }

    /** Whether worker {@code worker} has sockets of its own. */
    boolean hasWorker(int worker) {
        return worker >= 0 && worker < buffers.length;
    }

    Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", buffers.length);
        m.put("addresses", local.length);
        m.put("bufferFull", bufferFull.sum());
        m.put("errors", errors.sum());
        return m;
    }

    @Override
    public void close() {
        for (DatagramChannel[] perWorker : channels) {
            closeAll(perWorker);
        }
    }

    private static void closeAll(DatagramChannel[] perWorker) {
        for (DatagramChannel ch : perWorker) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing: nothing left to do with it
                }
            }
        }
    }
}
