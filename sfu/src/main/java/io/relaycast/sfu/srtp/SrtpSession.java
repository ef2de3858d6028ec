package io.relaycast.sfu.srtp;

import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP protection for one DTLS-SRTP association, in place on caller buffers.
 *
 * <p>Every method works on {@code (buf, off, len)} and returns the new packet length, or a negative
 * {@link SrtpStatus#code()} when the packet must be dropped; none throws for bad input and none allocates per
 * packet on our side. {@code protect*} needs {@link #rtpOverhead()} / {@link #rtcpOverhead()} free octets after
 * the packet in {@code buf}. After a failed call the buffer content is unspecified.
 *
 * <p>A crypto context per SSRC and direction is derived from the master key on the first packet of that SSRC
 * (RFC 3711 §3.2.3, §4.3). On receive, a context derived for an unknown SSRC is kept only if the packet
 * authenticated, so forged packets cannot create state. Replay protection on receive (RFC 3711 §3.3.2) is the
 * 64-packet window of jitsi-srtp.
 *
 * <p>Thread-safety: the four paths (RTP out, RTP in, RTCP out, RTCP in) are independent and each is serialised
 * by its own monitor, uncontended in the usual one-thread-per-direction use.
 */
public final class SrtpSession implements AutoCloseable {
    /**
     * Off: jitsi-srtp logs at ERROR for every replayed, out-of-window or unauthenticated packet (45 lines in one
     * run when a publisher's media arrived over IPv4 and IPv6); the packet path counts them instead, by status
     * (the transport's {@code unprotectReplays} / {@code unprotectFailures}).
     */
    private static final Logger JITSI_LOGGER = new LoggerImpl(SrtpSession.class.getName(), java.util.logging.Level.OFF);
    private static final int RTP_FIXED_HEADER = 12;
    /** RFC 3550 §6.4.1: version/count/PT/length (4) + sender SSRC (4). */
    private static final int RTCP_FIXED_HEADER = 8;

    private final SrtpProfile profile;
    private final SrtpContextSource outbound;
    private final SrtpContextSource inbound;
    private final Lane<SrtpCryptoContext> rtpOut;
    private final Lane<SrtpCryptoContext> rtpIn;
    private final Lane<SrtcpCryptoContext> rtcpOut;
    private final Lane<SrtcpCryptoContext> rtcpIn;
    private volatile boolean closed;

    /** A session for the {@code role} side of {@code keys}, with {@link SrtpSessionOptions#defaults()}. */
    public SrtpSession(SrtpKeyingMaterial keys, SrtpRole role) {
        this(keys, role, SrtpSessionOptions.defaults());
    }

    public SrtpSession(SrtpKeyingMaterial keys, SrtpRole role, SrtpSessionOptions options) {
        this(keys.profile(), options,
                masterKeySource(true, keys.localKey(role), keys.localSalt(role), keys.profile(), options),
                masterKeySource(false, keys.remoteKey(role), keys.remoteSalt(role), keys.profile(), options));
    }

    /** Test seam: contexts come from the given sources instead of the master keys. */
    SrtpSession(SrtpProfile profile, SrtpSessionOptions options,
                SrtpContextSource outbound, SrtpContextSource inbound) {
        SrtpCryptoSetup.freeze();
        this.profile = Objects.requireNonNull(profile, "profile");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        int max = options.maxStreamsPerDirection();
        int rtpTag = profile.rtpOverhead();
        int rtcpTag = profile.rtcpOverhead();
        rtpOut = new Lane<>(max, false, rtpTag, outbound::rtpContext, (c, p) -> c.transformPacket(p));
        rtpIn = new Lane<>(max, true, -rtpTag, inbound::rtpContext, (c, p) -> c.reverseTransformPacket(p, false));
        rtcpOut = new Lane<>(max, false, rtcpTag, outbound::rtcpContext, (c, p) -> c.transformPacket(p));
        rtcpIn = new Lane<>(max, true, -rtcpTag, inbound::rtcpContext, (c, p) -> c.reverseTransformPacket(p));
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Free octets {@link #protectRtp} needs after the packet. */
    public int rtpOverhead() {
        return profile.rtpOverhead();
    }

    /** Free octets {@link #protectRtcp} needs after the packet. */
    public int rtcpOverhead() {
        return profile.rtcpOverhead();
    }

    /** RTP → SRTP (RFC 3711 §3.3, RFC 7714 §8). Returns the new length or a negative {@link SrtpStatus} code. */
    public int protectRtp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || !validRtpHeader(buf, off, len)) {
            return SrtpStatus.INVALID_PACKET.code();
        }
        if (buf.length - off - len < profile.rtpOverhead()) {
            return SrtpStatus.BUFFER_TOO_SMALL.code();
        }
        return rtpOut.process(buf, off, len, readInt(buf, off + 8));
    }

    /** SRTP → RTP: authenticates, checks replay, decrypts. Returns the new length or a negative status code. */
    public int unprotectRtp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || len < RTP_FIXED_HEADER + profile.rtpOverhead()
                || (buf[off] & 0xC0) != 0x80) {
            return SrtpStatus.INVALID_PACKET.code();
        }
        return rtpIn.process(buf, off, len, readInt(buf, off + 8));
    }

    /** RTCP → SRTCP, always encrypted (E=1, RFC 3711 §3.4). Returns the new length or a negative status code. */
    public int protectRtcp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || len < RTCP_FIXED_HEADER || (buf[off] & 0xC0) != 0x80) {
            return SrtpStatus.INVALID_PACKET.code();
        }
        if (buf.length - off - len < profile.rtcpOverhead()) {
            return SrtpStatus.BUFFER_TOO_SMALL.code();
        }
        return rtcpOut.process(buf, off, len, readInt(buf, off + 4));
    }

    /** SRTCP → RTCP. Returns the new length or a negative status code. */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        if (!inBounds(buf, off, len) || len < RTCP_FIXED_HEADER + profile.rtcpOverhead()
                || (buf[off] & 0xC0) != 0x80) {
            return SrtpStatus.INVALID_PACKET.code();
        }
        if (profile == SrtpProfile.SRTP_AEAD_AES_128_GCM && (buf[off + len - 4] & 0x80) == 0) {
            // RFC 7714 §9.3 authentication-only SRTCP (E=0): jitsi-srtp 1.1 computes the AAD over the trailing
            // index word and ignores the offset, so it can never verify such a packet. Browsers always encrypt
            // SRTCP, so refuse the packet plainly instead of reporting a misleading AUTH_FAIL.
            return SrtpStatus.INVALID_PACKET.code();
        }
        return rtcpIn.process(buf, off, len, readInt(buf, off + 4));
    }

    public boolean isClosed() {
        return closed;
    }

    /** Debug state for the transport's JSON dump (architecture: every component reports its state). */
    public Map<String, Object> debugState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("profile", profile.name());
        state.put("closed", closed);
        state.put("rtpSendStreams", rtpOut.size());
        state.put("rtpReceiveStreams", rtpIn.size());
        state.put("rtcpSendStreams", rtcpOut.size());
        state.put("rtcpReceiveStreams", rtcpIn.size());
        state.put("cryptoBackend", String.valueOf(SrtpCryptoSetup.effective()));
        return state;
    }

    /** Drops all contexts and wipes the master keys; later calls return {@link SrtpStatus#CLOSED}. */
    @Override
    public void close() {
        closed = true;
        rtpOut.clear();
        rtpIn.clear();
        rtcpOut.clear();
        rtcpIn.clear();
        outbound.close();
        inbound.close();
    }

    private static SrtpContextSource masterKeySource(boolean sender, byte[] key, byte[] salt,
                                                     SrtpProfile profile, SrtpSessionOptions options) {
        SrtpPolicy srtp = SrtpPolicies.forProfile(profile, options.sendReplayProtection());
        SrtpPolicy srtcp = SrtpPolicies.forProfile(profile, options.sendReplayProtection());
        return new MasterKeyContextSource(sender, key, salt, srtp, srtcp, JITSI_LOGGER);
    }

    private static boolean inBounds(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && off <= buf.length - len;
    }

    /** RFC 3550 §5.1 / §5.3.1: version 2, and the CSRC list and header extension fit in the packet. */
    private static boolean validRtpHeader(byte[] buf, int off, int len) {
        if (len < RTP_FIXED_HEADER || (buf[off] & 0xC0) != 0x80) {
            return false;
        }
        int headerLength = RTP_FIXED_HEADER + 4 * (buf[off] & 0x0F);
        if ((buf[off] & 0x10) != 0) {
            if (len < headerLength + 4) {
                return false;
            }
            int extensionWords = ((buf[off + headerLength + 2] & 0xFF) << 8) | (buf[off + headerLength + 3] & 0xFF);
            headerLength += 4 + 4 * extensionWords;
        }
        return headerLength <= len;
    }

    private static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
    }

    private static int toCode(SrtpErrorStatus status) {
        return switch (status) {
            case OK -> SrtpStatus.OK.code();
            case AUTH_FAIL -> SrtpStatus.AUTH_FAIL.code();
            case REPLAY_FAIL -> SrtpStatus.REPLAY_FAIL.code();
            case REPLAY_OLD -> SrtpStatus.REPLAY_OLD.code();
            case INVALID_PACKET -> SrtpStatus.INVALID_PACKET.code();
            case FAIL -> SrtpStatus.FAIL.code();
            default -> SrtpStatus.FAIL.code(); // a status added by a later jitsi-srtp
        };
    }

    @FunctionalInterface
    private interface ContextDeriver<C> {
        C derive(int ssrc) throws GeneralSecurityException;
    }

    @FunctionalInterface
    private interface Transform<C> {
        SrtpErrorStatus apply(C context, PacketView packet) throws GeneralSecurityException;
    }

    /** One of the four packet paths: its SSRC table, its reusable view, and how it derives and transforms. */
    private final class Lane<C> {
        private final SsrcTable<C> table;
        private final PacketView view = new PacketView();
        private final boolean receiving;
        private final int lengthDelta;
        private final ContextDeriver<C> deriver;
        private final Transform<C> transform;

        Lane(int maxStreams, boolean receiving, int lengthDelta, ContextDeriver<C> deriver, Transform<C> transform) {
            this.table = new SsrcTable<>(maxStreams);
            this.receiving = receiving;
            this.lengthDelta = lengthDelta;
            this.deriver = deriver;
            this.transform = transform;
        }

        int process(byte[] buf, int off, int len, int ssrc) {
            synchronized (this) {
                if (closed) {
                    return SrtpStatus.CLOSED.code();
                }
                C context = table.get(ssrc);
                boolean fresh = context == null;
                if (fresh) {
                    if (table.isFull()) {
                        return SrtpStatus.TOO_MANY_STREAMS.code();
                    }
                    try {
                        context = deriver.derive(ssrc);
                    } catch (GeneralSecurityException | RuntimeException e) {
                        return SrtpStatus.FAIL.code();
                    }
                    if (!receiving) {
                        table.put(ssrc, context);
                    }
                }
                try {
                    SrtpErrorStatus status = transform.apply(context, view.wrap(buf, off, len));
                    if (status != SrtpErrorStatus.OK) {
                        return toCode(status);
                    }
                    int newLength = view.getLength();
                    // jitsi-srtp ignores a failed GCM encryption and still reports OK with the packet
                    // untouched; insisting on the exact length change keeps plaintext from going out.
                    if (newLength != len + lengthDelta || view.getOffset() != off) {
                        return SrtpStatus.FAIL.code();
                    }
                    if (fresh && receiving) {
                        table.put(ssrc, context);
                    }
                    return newLength;
                } catch (GeneralSecurityException | RuntimeException e) {
                    return SrtpStatus.FAIL.code();
                } finally {
                    view.release();
                }
            }
        }

        int size() {
            synchronized (this) {
                return table.size();
            }
        }

        void clear() {
            synchronized (this) {
                table.clear();
            }
        }
    }
}
