package io.relaycast.sfu.ice;

/**
 * Our ICE role in one peer connection.
 *
 * <p>RFC 8445 §6.1.1: when both sides are full agents, the initiating agent takes the controlling role, and in SDP
 * offer/answer (RFC 8839) the initiator is the offerer. So we are {@link #CONTROLLED} when we answer a publisher's offer and
 * {@link #CONTROLLING} when we offer to a viewer, as Jitsi Videobridge does. Staying controlled while offering would
 * put both sides in the same role; browsers would repair it with a 487 Role Conflict and the tie-breaker
 * (RFC 8445 §7.3.1.1), which costs a round trip and leaves the outcome to chance, so we do not.
 */
public enum IceRole {
    /** We sent the offer: we nominate the pair (RFC 8445 §8.1.1). */
    CONTROLLING,
    /** We answered the offer: the browser nominates, we follow. */
    CONTROLLED;

    /** The role for the side that produced the SDP offer ({@code true}) or the answer ({@code false}). */
    public static IceRole forOfferer(boolean weOffer) {
        return weOffer ? CONTROLLING : CONTROLLED;
    }
}
