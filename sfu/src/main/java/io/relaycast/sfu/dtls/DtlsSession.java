package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS-SRTP association (RFC 5763, RFC 5764). Usually the SFU is the DTLS server ({@code a=setup:passive}: the
 * browser speaks first); for a peer that insists on being the server ({@code a=setup:passive} in its offer, as
 * ffmpeg's WHIP muxer writes) we are the client and {@link #start} sends the ClientHello.
 *
 * <p>Life cycle: construct with our role, our certificate, the fingerprints from the remote SDP and a
 * {@link DatagramSender}; feed every received DTLS datagram (first byte 20..63, RFC 7983 §7) to
 * {@link #offer}; call {@link #start} once (a server on the first record, a client when ICE is connected). The handshake runs on a thread of the given executor and completes
 * the returned future with the SRTP keys, or fails it with a {@link DtlsHandshakeException}. After the
 * handshake no thread is held: records that still arrive (the client's retransmitted final flight, application
 * data, close_notify) are processed on the thread that offers them. A close_notify from the peer closes the
 * session (RFC 5246 §7.2.1); {@link #close()} sends ours and ends a handshake in progress at once.
 */
public final class DtlsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsSession.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** bctls treats a wait of 0 as "forever"; 1 ms is the shortest bounded wait (never reached in push mode). */
    private static final int DRAIN_WAIT_MILLIS = 1;

    public enum State { NEW, HANDSHAKING, CONNECTED, CLOSED, FAILED }

    /** Why a connected session ended. */
    public enum CloseCause {
        /** {@link #close()} was called. */
        LOCAL,
        /** The peer sent close_notify. */
        PEER_CLOSE_NOTIFY,
        /** A fatal alert or transport error ended the association. */
        ERROR
    }

    /**
     * Events of one session; all default to no-ops. Called on the handshake thread or the offering thread.
     * A handshake ended by {@link #close()} only fails the future; {@code onHandshakeFailed} is not called.
     */
    public interface Listener {
        default void onHandshakeComplete(SrtpKeyingMaterial keys) {
        }

        default void onHandshakeFailed(DtlsHandshakeException error) {
        }

        /** Decrypted application data; {@code buf} is reused after the call returns. */
        default void onApplicationData(byte[] buf, int off, int len) {
        }

        default void onClosed(CloseCause cause) {
        }
    }

    private final DtlsConfig config;
    private final Listener listener;
    private final QueuedDatagramTransport transport;
    private final DtlsRole role;
    private final DtlsSrtpPeer peer;
    private final CompletableFuture<SrtpKeyingMaterial> handshake = new CompletableFuture<>();
    private final Object stateLock = new Object();
    private final Object receiveLock = new Object();
    private State state = State.NEW;
    private volatile DTLSTransport dtls;
    private byte[] applicationBuffer;

    public DtlsSession(DtlsRole role, DtlsCertificate certificate, Collection<DtlsFingerprint> remoteFingerprints,
                       DatagramSender sender, DtlsConfig config, Listener listener) {
        this.role = Objects.requireNonNull(role, "role");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(sender, "sender");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener == null ? new Listener() { } : listener;
        if (remoteFingerprints == null || remoteFingerprints.isEmpty()) {
            // RFC 8122 §5 / RFC 5763 §5: without a fingerprint we could not authenticate the peer at all.
            throw new IllegalArgumentException("the remote SDP must carry at least one fingerprint");
        }
        this.transport = new QueuedDatagramTransport(config.mtu(), config.receiveQueueCapacity(), sender);
        int timeout = (int) config.handshakeTimeout().toMillis();
        this.peer = role == DtlsRole.SERVER
                ? new DtlsSrtpServer(new BcTlsCrypto(RANDOM), certificate, List.copyOf(remoteFingerprints), timeout,
                        this::onAlertReceived)
                : new DtlsSrtpClient(new BcTlsCrypto(RANDOM), certificate, List.copyOf(remoteFingerprints), timeout,
                        this::onAlertReceived);
    }

    /**
     * Starts the handshake on {@code executor}; the future completes with the exported SRTP keys. Calling it
     * again returns the same future.
     */
    public CompletableFuture<SrtpKeyingMaterial> start(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        synchronized (stateLock) {
            if (state != State.NEW) {
                return handshake;
            }
            state = State.HANDSHAKING;
        }
        try {
            executor.execute(this::runHandshake);
        } catch (RejectedExecutionException e) {
            if (role == DtlsRole.SERVER) {
                // no thread for it now (the node or this address is at its limit): the ClientHello stays queued
                // and the peer's retransmission (RFC 6347 section 4.2.4) starts it again
                synchronized (stateLock) {
                    if (state == State.HANDSHAKING) {
                        state = State.NEW;
                    }
                }
                LOG.debug("DTLS handshake deferred: {}", e.getMessage());
            } else {
                handshakeFailed(new DtlsHandshakeException(DtlsHandshakeException.Reason.CLOSED,
                        "executor rejected the handshake", e));
            }
        }
        return handshake;
    }

    /** The handshake outcome (the same future {@link #start} returns). */
    public CompletableFuture<SrtpKeyingMaterial> handshake() {
        return handshake;
    }

    /**
     * Hands over one received DTLS datagram (copied). Returns {@code false} if it was dropped: session closed,
     * queue full, or oversized. After the handshake the datagram is processed before this returns.
     */
    public boolean offer(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return false;
        }
        boolean queued = transport.offer(buf, off, len);
        if (queued && dtls != null) {
            drain();
        }
        return queued;
    }

    /** Sends application data over the established association (RFC 6347 §4.1); {@code false} if not connected. */
    public boolean send(byte[] buf, int off, int len) {
        DTLSTransport connected = dtls;
        if (connected == null || state() != State.CONNECTED) {
            return false;
        }
        try {
            connected.send(buf, off, len);
            return true;
        } catch (IOException e) {
            LOG.debug("DTLS application data send failed: {}", e.toString());
            return false;
        }
    }

    public State state() {
        synchronized (stateLock) {
            return state;
        }
    }

    public DtlsRole role() {
        return role;
    }

    /** The negotiated profile, or {@code null} before ServerHello. */
    public SrtpProfile selectedProfile() {
        return peer.outcome().profile();
    }

    /** JSON-friendly debug state (architecture: every component reports it). */
    public Map<String, Object> debugState() {
        Map<String, Object> debug = new LinkedHashMap<>();
        debug.put("state", state().name());
        debug.put("role", role.name());
        debug.put("srtpProfile", String.valueOf(selectedProfile()));
        debug.put("mtu", config.mtu());
        debug.put("droppedDatagrams", transport.droppedDatagrams());
        return debug;
    }

    /**
     * Closes the session: sends close_notify if connected, ends a running handshake (its future fails with
     * {@link DtlsHandshakeException.Reason#CLOSED}) and drops queued datagrams. Idempotent.
     */
    @Override
    public void close() {
        State previous;
        synchronized (stateLock) {
            previous = state;
            if (previous == State.CLOSED || previous == State.FAILED) {
                return;
            }
            state = State.CLOSED;
        }
        DTLSTransport connected = dtls;
        if (connected != null) {
            try {
                connected.close(); // RFC 5246 §7.2.1: close_notify before closing the write side
            } catch (IOException e) {
                LOG.debug("DTLS close failed: {}", e.toString());
            }
        }
        transport.close();
        if (previous == State.CONNECTED) {
            notifyClosed(CloseCause.LOCAL);
        } else {
            handshake.completeExceptionally(new DtlsHandshakeException(DtlsHandshakeException.Reason.CLOSED,
                    "session closed during the handshake", null));
        }
    }

    private void runHandshake() {
        DTLSTransport established;
        try {
            established = peer.handshake(transport);
        } catch (IOException | RuntimeException e) {
            handshakeFailed(classify(e));
            return;
        }
        SrtpKeyingMaterial keys = peer.outcome().keys();
        synchronized (stateLock) {
            if (state != State.HANDSHAKING || keys == null) {
                closeQuietly(established);
                if (keys == null && state == State.HANDSHAKING) {
                    state = State.FAILED;
                }
                handshake.completeExceptionally(new DtlsHandshakeException(keys == null
                        ? DtlsHandshakeException.Reason.PROTOCOL_ERROR : DtlsHandshakeException.Reason.CLOSED,
                        "handshake ended without usable keys", null));
                return;
            }
            state = State.CONNECTED;
            applicationBuffer = new byte[Math.max(1, receiveLimit(established))];
            // Push mode before publishing the transport, so that no offering thread ever blocks in receive.
            transport.enterPushMode();
            dtls = established;
        }
        LOG.debug("DTLS-SRTP handshake complete, profile {}", keys.profile());
        io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.DTLS_HANDSHAKES_OK, 1);
        // Listener before future, so that whoever waits on the future also sees the listener's effects.
        try {
            listener.onHandshakeComplete(keys);
        } catch (RuntimeException e) {
            LOG.warn("DTLS listener failed on handshake completion", e);
        }
        handshake.complete(keys);
        drain(); // records that arrived while we were switching to push mode
    }

    /** Processes queued records on the calling thread until the queue is empty (push mode, after handshake). */
    private void drain() {
        synchronized (receiveLock) {
            DTLSTransport connected = dtls;
            // No "queue empty" test here: bctls may still hold records split from an earlier datagram; it
            // signals true exhaustion by letting DRAINED through.
            while (connected != null && state() == State.CONNECTED) {
                int received;
                try {
                    received = connected.receive(applicationBuffer, 0, applicationBuffer.length, DRAIN_WAIT_MILLIS);
                } catch (InterruptedIOException e) {
                    if (e == QueuedDatagramTransport.DRAINED) {
                        return;
                    }
                    connectionLost(e);
                    return;
                } catch (IOException | RuntimeException e) {
                    connectionLost(e);
                    return;
                }
                if (received >= 0) {
                    try {
                        listener.onApplicationData(applicationBuffer, 0, received);
                    } catch (RuntimeException e) {
                        LOG.warn("DTLS listener failed on application data", e);
                    }
                }
            }
        }
    }

    /** Called by bctls for every alert the peer sends, during and after the handshake. */
    private void onAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify && level != AlertLevel.fatal) {
            boolean wasConnected;
            synchronized (stateLock) {
                wasConnected = state == State.CONNECTED;
                if (wasConnected) {
                    state = State.CLOSED;
                }
            }
            // bctls answers with its own close_notify and closes the transport right after this callback.
            if (wasConnected) {
                notifyClosed(CloseCause.PEER_CLOSE_NOTIFY);
            }
        } else if (level == AlertLevel.fatal) {
            LOG.debug("DTLS fatal alert received: {}", AlertDescription.getText(description));
        }
    }

    private void connectionLost(Exception cause) {
        boolean wasConnected;
        synchronized (stateLock) {
            wasConnected = state == State.CONNECTED;
            if (wasConnected) {
                state = State.FAILED;
            }
        }
        transport.close();
        if (wasConnected) {
            LOG.debug("DTLS association lost: {}", cause.toString());
            notifyClosed(CloseCause.ERROR);
        }
    }

    private void handshakeFailed(DtlsHandshakeException error) {
        boolean report;
        synchronized (stateLock) {
            report = state == State.HANDSHAKING || state == State.NEW;
            if (report) {
                state = State.FAILED;
            }
        }
        transport.close();
        if (report) {
            LOG.info("DTLS-SRTP handshake failed: {}", error.getMessage());
            io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.DTLS_HANDSHAKES_FAILED, 1);
            try {
                listener.onHandshakeFailed(error);
            } catch (RuntimeException e) {
                LOG.warn("DTLS listener failed on handshake failure", e);
            }
        }
        handshake.completeExceptionally(error);
    }

    private DtlsHandshakeException classify(Exception e) {
        DtlsHandshakeException.Reason ours = peer.outcome().failureReason();
        if (ours != null) {
            return new DtlsHandshakeException(ours, peer.outcome().failureDetail(), e);
        }
        if (state() == State.CLOSED) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.CLOSED, "session closed", e);
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.TIMEOUT,
                    "no handshake within " + config.handshakeTimeout(), e);
        }
        if (e instanceof TlsFatalAlertReceived alert) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.PEER_ALERT,
                    "peer sent " + AlertDescription.getText(alert.getAlertDescription()), e);
        }
        return new DtlsHandshakeException(DtlsHandshakeException.Reason.PROTOCOL_ERROR, String.valueOf(e), e);
    }

    private void notifyClosed(CloseCause cause) {
        try {
            listener.onClosed(cause);
        } catch (RuntimeException e) {
            LOG.warn("DTLS listener failed on close", e);
        }
    }

    private static int receiveLimit(DTLSTransport transport) {
        try {
            return transport.getReceiveLimit();
        } catch (IOException e) {
            return 1 << 14;
        }
    }

    private static void closeQuietly(DTLSTransport transport) {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("DTLS close failed: {}", e.toString());
        }
    }
}
