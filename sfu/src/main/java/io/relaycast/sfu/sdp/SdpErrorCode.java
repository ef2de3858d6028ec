package io.relaycast.sfu.sdp;

/**
 * Stable machine-readable reasons for refusing a session description. The names are part of what signaling
 * reports to clients ({@code stream:error {code, message}} and the REST error shape), so they are never renamed.
 */
public enum SdpErrorCode {
    /** The text is larger than {@link SdpLimits#maxBytes()}. */
    SDP_TOO_LARGE,
    /** The text is not SDP, or one line breaks the RFC 8866 grammar or an attribute's own grammar. */
    SDP_MALFORMED,
    /** More m-sections than {@link SdpLimits#maxMediaSections()}, or more than one audio or one video track. */
    TOO_MANY_TRACKS,
    /** More ICE candidates than {@link SdpLimits#maxCandidates()}. */
    TOO_MANY_CANDIDATES,
    /** No m-section offers a codec we forward. */
    NO_COMMON_CODEC,
    /** No audio or video m-section we could accept at all. */
    NO_MEDIA,
    /** No a=fingerprint at media or session level (RFC 8122, required by RFC 8827). */
    MISSING_FINGERPRINT,
    /** No a=ice-ufrag / a=ice-pwd at media or session level (RFC 8839 section 5.4). */
    MISSING_ICE_CREDENTIALS,
    /** Several m-sections without a BUNDLE group: we run one transport per peer (RFC 8843). */
    BUNDLE_REQUIRED,
    /** An RTP m-section without a=rtcp-mux: we never open a separate RTCP port (RFC 5761, RFC 8829 5.1.3). */
    RTCP_MUX_REQUIRED,
    /** An a=setup value we cannot act on (RFC 4145, RFC 8842). */
    INVALID_DTLS_SETUP,
    /** An answer that does not answer the offer we sent (m-section count, kind, mid or payload types differ). */
    ANSWER_MISMATCH,
    /** An answer that rejected (port 0) or deactivated one of the tracks we offered. */
    MEDIA_REJECTED
}
