package io.relaycast.sfu.ice;

/** What {@link IceSession#addRemoteCandidate} did with a candidate line. */
public enum CandidateStatus {
    /** Added to the agent (before checks start, or trickled into the running check list). */
    ACCEPTED,
    /** The same address, port and type was already added; not counted again. */
    DUPLICATE,
    /** The empty candidate or {@code end-of-candidates}: the peer has no more (RFC 8838, RFC 8840). */
    END_OF_CANDIDATES,
    /** Not an RFC 8839 §5.1 candidate attribute. */
    MALFORMED,
    /** TCP or anything other than UDP: we only listen on the shared UDP port. */
    UNSUPPORTED_TRANSPORT,
    /** Component other than 1: we require rtcp-mux and BUNDLE, so there is only one component. */
    UNSUPPORTED_COMPONENT,
    /**
     * Not an IP literal, e.g. an mDNS {@code .local} name (RFC 8839 allows FQDNs). We never resolve names on the
     * signaling thread; the peer's address is learnt peer-reflexively from its checks anyway (RFC 8445 §7.3.1.3).
     */
    UNRESOLVED_ADDRESS,
    /** Carries a {@code ufrag} extension of another ICE generation than the remote credentials we have. */
    WRONG_UFRAG,
    /** The session already holds the configured maximum of remote candidates. */
    TOO_MANY_CANDIDATES,
    /** The peer already said end-of-candidates. */
    AFTER_END_OF_CANDIDATES,
    /** The session has failed or closed. */
    SESSION_ENDED
}
