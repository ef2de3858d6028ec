package io.relaycast.signaling.gateway;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's events in arrival order on a shared pool, off the Netty threads: an offer must be
 * handled before the candidates that follow it, but two connections never wait for each other.
 *
 * <p>Isolation rules (issue 11, item 2): a connection's overflow only ever refuses that connection's own new
 * events; nothing here touches the shared pool's queue. A connection holds at most one slot in the pool and
 * gives it back after {@link #BATCH} events, so a flooding connection shares threads with the others instead of
 * holding one until its backlog is gone. {@link #closeWith} (the disconnect clean-up) is never refused.
 */
final class SerialExecutor implements Executor {
    /** Events run per turn on a pool thread before the connection goes to the back of the pool's queue. */
    static final int BATCH = 16;
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Executor fallback;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final int maxQueued;
    private boolean running;
    private boolean closed;

    /**
     * @param fallback runs the closing task when the pool is saturated (it must accept it: one task per closed
     *                 connection, so its backlog is bounded by the number of connections)
     */
    SerialExecutor(Executor pool, Executor fallback, int maxQueued) {
        this.pool = pool;
        this.fallback = fallback;
        this.maxQueued = maxQueued;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            if (closed) {
                throw new RejectedExecutionException("connection closed");
            }
            if (tasks.size() >= maxQueued) {
                throw new RejectedExecutionException("too many pending events on this connection");
            }
            tasks.addLast(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // not running means the queue held only this task: take it back, and only it
            synchronized (tasks) {
                tasks.remove(task);
                running = false;
            }
            throw e;
        }
    }

    /**
     * The connection is gone: its pending events are dropped (nobody is left to answer them), {@code last} runs
     * after the event in progress, and later {@link #execute} calls are refused. Never refused itself: the
     * clean-up frees SFU peers and viewer sessions, so it must run even while this connection is over its
     * limit or the pool is saturated.
     */
    void closeWith(Runnable last) {
        synchronized (tasks) {
            closed = true;
            tasks.clear();
            tasks.addLast(last);
            if (running) {
                return; // the drain in progress runs it next
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            try {
                fallback.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                drain(); // the server is stopping: free the media resources right here
            }
        }
    }

    private void drain() {
        for (int done = 0; ; done++) {
            Runnable next;
            synchronized (tasks) {
                if (done == BATCH && !tasks.isEmpty() && requeue()) {
                    return;
                }
                next = tasks.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // one failing task must not leave this connection marked running with nobody draining it
                LOG.error("connection task failed", e);
            }
        }
    }

    /** Gives the thread to the next connection; false (keep going here) when the pool refuses the hand-over. */
    private boolean requeue() {
        try {
            pool.execute(this::drain);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
