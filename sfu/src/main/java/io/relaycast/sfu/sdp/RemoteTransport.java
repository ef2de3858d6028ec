package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The peer's transport parameters read from its offer or answer: what ICE and DTLS need to connect.
 * Under BUNDLE they come from the tagged m-section (RFC 8843 section 7.1.3), falling back to the session level,
 * where encoders such as OBS put them.
 *
 * @param setup      the peer's a=setup; RFC 4145 section 4 makes a missing one mean {@code active}
 * @param candidates candidates already in the description (none with trickle)
 */
public record RemoteTransport(String iceUfrag, String icePwd, List<Fingerprint> fingerprints, DtlsSetup setup,
                              List<IceCandidate> candidates, boolean iceLite, boolean endOfCandidates) {

    public RemoteTransport {
        Objects.requireNonNull(iceUfrag, "iceUfrag");
        Objects.requireNonNull(icePwd, "icePwd");
        Objects.requireNonNull(setup, "setup");
        fingerprints = List.copyOf(fingerprints);
        candidates = List.copyOf(candidates);
    }

    static RemoteTransport read(SessionDescription description, MediaDescription tagged) throws SdpException {
        String where = "m-section with mid " + tagged.mid().orElse("?");
        Optional<String> ufrag = tagged.attribute("ice-ufrag").or(() -> description.attribute("ice-ufrag"));
        Optional<String> pwd = tagged.attribute("ice-pwd").or(() -> description.attribute("ice-pwd"));
        if (ufrag.isEmpty() || pwd.isEmpty()) {
            throw new SdpException(SdpErrorCode.MISSING_ICE_CREDENTIALS, "no a=ice-ufrag and a=ice-pwd in the " + where
                    + " nor at session level (RFC 8839 section 5.4)");
        }
        List<Fingerprint> fingerprints = tagged.fingerprints();
        if (fingerprints.isEmpty()) {
            fingerprints = description.fingerprints();
        }
        if (fingerprints.isEmpty()) {
            throw new SdpException(SdpErrorCode.MISSING_FINGERPRINT, "no a=fingerprint in the " + where
                    + " nor at session level; DTLS-SRTP needs one (RFC 8122 section 5, RFC 5763 section 5)");
        }
        Optional<String> setupText = tagged.attribute("setup").or(() -> description.attribute("setup"));
        DtlsSetup setup = setupText.isEmpty() ? DtlsSetup.ACTIVE : DtlsSetup.parse(setupText.get()).orElseThrow();
        List<IceCandidate> candidates = new ArrayList<>(description.candidates());
        boolean endOfCandidates = description.hasAttribute("end-of-candidates");
        for (MediaDescription section : description.media()) {
            if (!section.isRejected()) {
                candidates.addAll(section.candidates());
                endOfCandidates |= section.hasAttribute("end-of-candidates");
            }
        }
        return new RemoteTransport(ufrag.get(), pwd.get(), fingerprints, setup, candidates,
                description.hasAttribute("ice-lite"), endOfCandidates);
    }
}
