package io.relaycast.sfu.forward;

/**
 * The thread of a {@link ForwardingWorker}. Code on the send path can ask {@link #currentWorker()} which worker it
 * runs on (to use that worker's own resources, such as its send socket) without a thread-local lookup.
 */
public final class ForwardingThread extends Thread {
    private final int worker;

    ForwardingThread(Runnable body, String name, int worker) {
        super(body, name);
        this.worker = worker;
    }

    /** This worker's index, 0 to threads - 1. */
    public int worker() {
        return worker;
    }

    /** The index of the forwarding worker running the caller, or -1 on any other thread. */
    public static int currentWorker() {
        return Thread.currentThread() instanceof ForwardingThread t ? t.worker : -1;
    }
}
