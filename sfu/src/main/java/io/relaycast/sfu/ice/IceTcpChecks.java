package io.relaycast.sfu.ice;

import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;
import io.relaycast.sfu.stun.StunMessageWriter;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The STUN side of ICE-TCP connections (RFC 6544 with RFC 8445 section 7 and RFC 7675), on the selector thread:
 * the admission check of a connection's first frame, answers to the peer's checks (following a controlling peer's
 * nomination), our own checks (the nomination when we control and UDP had its chance, consent on the selected
 * connection), and payload frames handed to the session. See {@link IceTcpServer} for the rules.
 */
final class IceTcpChecks {
    /** A STUN transaction over TCP gives up after 39.5 s (RFC 8489 section 6.2.2); ours sooner, to check again. */
    private static final long TRANSACTION_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final IceTcpLimits limits;
    private final Consumer<IceTcpConnection> closer;
    private final StunMessage stun = new StunMessage();
    private final byte[] scratch = new byte[512];
    private final SecureRandom random = new SecureRandom();
    volatile Function<String, IceSession> sessions;
    long consentIntervalNanos = TimeUnit.SECONDS.toNanos(5);
    volatile long stunIgnored;
    volatile long selected;

    IceTcpChecks(IceTcpLimits limits, Consumer<IceTcpConnection> closer) {
        this.limits = limits;
        this.closer = closer;
    }

    /**
     * A connection just authenticated by its first frame (in {@code a} at {@code frame}): its signers and
     * verifiers, then the answer to that first check.
     */
    void onBound(IceTcpConnection c, IceSession s, byte[] a, int frame, int len, long now) {
        c.boundNanos = now;
        c.remoteAddressBytes = c.remote.getAddress().getAddress();
        c.localVerifier = StunMessageIntegrity.forPassword(s.localPassword());
        c.localSigner = new StunMessageWriter(s.localPassword());
        c.nextConsentCheckNanos = now;
        stun.reset(a, frame, len); // parsed again for the answer (authenticate's verdict stands)
        onBindingRequest(c, a, frame, now);
    }

    /**
     * The admission rule: the session whose ufrag and password the first frame proves, or {@code null}. Looks a
     * session up by ufrag (one String per new connection, not per packet).
     */
    IceSession authenticate(byte[] a, int off, int len) {
        StunMessage m = stun;
        if (!m.reset(a, off, len) || m.messageClass() != StunMessageClass.REQUEST || m.method() != StunMessage.BINDING
                || !m.hasIceUsername() || !m.hasMessageIntegrity() || !m.verifyFingerprint()) {
            return null;
        }
        Function<String, IceSession> lookup = sessions;
        IceSession s = lookup == null ? null : lookup.apply(m.localUfrag());
        if (s == null || s.state().isEnded()) {
            return null;
        }
        // short-term credentials (RFC 8489 section 9.1.3): HMAC keyed with the password of the ufrag named
        return StunMessageIntegrity.forPassword(s.localPassword()).verify(m) ? s : null;
    }

    /** A frame on an authenticated connection: STUN (first octet 0-3, RFC 7983) or payload for the session. */
    void onFrame(IceTcpConnection c, byte[] a, int off, int len) {
        if (len == 0) {
            return; // RFC 4571 allows empty frames; nothing to deliver
        }
        if ((a[off] & 0xFF) > 3) {
            c.session.deliverTcp(a, off, len);
            return;
        }
        StunMessage m = stun;
        if (!m.reset(a, off, len) || m.method() != StunMessage.BINDING || !m.verifyFingerprint()) {
            stunIgnored++;
            return;
        }
        long now = System.nanoTime();
        switch (m.messageClass()) {
            case REQUEST -> {
                if (m.localUfragEquals(c.session.localUfragBytes()) && c.localVerifier.verify(m)) {
                    onBindingRequest(c, a, off, now);
                } else {
                    stunIgnored++; // RFC 8489 section 9.1.3 would answer 401; on a bound connection we just drop it
                }
            }
            case SUCCESS_RESPONSE -> {
                if (c.pendingValid && m.transactionIdEquals(c.pendingTransaction, 0) && c.remoteVerifier != null
                        && c.remoteVerifier.verify(m)) {
                    onCheckSucceeded(c, now);
                } else {
                    stunIgnored++;
                }
            }
            case ERROR_RESPONSE -> {
                if (c.pendingValid && m.transactionIdEquals(c.pendingTransaction, 0)) {
                    c.pendingValid = false; // e.g. 487 role conflict: cannot happen with a browser; try again later
                }
                stunIgnored++;
            }
            default -> stunIgnored++;
        }
    }

    /** Answers an authenticated check (RFC 8445 section 7.3.1) and follows a controlling peer's nomination. */
    void onBindingRequest(IceTcpConnection c, byte[] a, int off, long now) {
        c.lastStunNanos = now;
        int n = c.localSigner.bindingSuccess(scratch, 0, a, off, c.remoteAddressBytes, c.remote.getPort());
        c.send(scratch, 0, n);
        IceSession s = c.session;
        if (s.role() == IceRole.CONTROLLED && stun.findAttribute(StunAttributeType.USE_CANDIDATE) >= 0
                && !c.nominated) {
            // RFC 8445 section 7.3.1.5: the controlling browser nominated this pair
            c.nominated = true;
            if (s.selectTcp(c)) {
                selected++;
                c.nextConsentCheckNanos = now + consentInterval();
            }
        }
        maybeSendCheck(c, now);
    }

    private void onCheckSucceeded(IceTcpConnection c, long now) {
        c.pendingValid = false;
        c.lastStunNanos = now;
        IceSession s = c.session;
        if (c.pendingNominates) {
            c.nominated = true;
            if (s.selectTcp(c)) {
                selected++;
                c.nextConsentCheckNanos = now + consentInterval();
            }
        }
        if (s.tcpPath() == c) {
            s.tcpConsent(now); // RFC 7675 section 5.1: an authenticated response on the selected pair
        }
    }

    /**
     * Sends our check when one is due: the nomination (controlling, UDP has had its chance) or a consent check on
     * the selected connection. Needs the peer's password, which arrives with its SDP, maybe after its first check.
     */
    void maybeSendCheck(IceTcpConnection c, long now) {
        if (c.phase != IceTcpConnection.Phase.BOUND
                || c.pendingValid && now - c.pendingSentNanos < TRANSACTION_TIMEOUT_NANOS) {
            return;
        }
        IceSession s = c.session;
        boolean selectedHere = s.tcpPath() == c;
        boolean nominate = false;
        if (s.role() == IceRole.CONTROLLING && !c.nominated && s.state() == IceSessionState.CHECKING) {
            long age = now - c.boundNanos;
            long delay = limits.nominationDelay().toNanos();
            // a UDP pair validated but not yet nominated gets four times as long
            nominate = age >= delay && (!s.hasValidatedUdpPair() || age >= 4 * delay);
        }
        boolean consentDue = selectedHere && now - c.nextConsentCheckNanos >= 0;
        if (!nominate && !consentDue) {
            return;
        }
        if (c.remoteSigner == null) {
            String[] credentials = s.remoteCredentials();
            if (credentials == null) {
                return;
            }
            c.remoteSigner = new StunMessageWriter(credentials[1]);
            c.remoteVerifier = StunMessageIntegrity.forPassword(credentials[1]);
            // RFC 8445 section 7.2.2: USERNAME is the receiver's ufrag, a colon, ours
            c.username = (credentials[0] + ':' + s.localUfrag()).getBytes(StandardCharsets.US_ASCII);
            if (StunMessageWriter.requestLength(c.username.length) > scratch.length) {
                closer.accept(c); // a ufrag of 256 chars fits; longer is not RFC 8839
                return;
            }
        }
        random.nextBytes(c.pendingTransaction);
        c.pendingValid = true;
        c.pendingNominates = nominate;
        c.pendingSentNanos = now;
        int n = c.remoteSigner.bindingRequest(scratch, 0, c.pendingTransaction, c.username, IceTcpCandidates.CHECK_PRIORITY,
                s.role() == IceRole.CONTROLLING, s.tieBreaker(), nominate);
        c.send(scratch, 0, n);
        if (consentDue) {
            c.nextConsentCheckNanos = now + consentInterval();
        }
    }

    /** RFC 7675 section 5.1: randomized between 0.8 and 1.2 times the interval. */
    private long consentInterval() {
        return (long) (consentIntervalNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }
}
