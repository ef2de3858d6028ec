package io.relaycast.signaling.reaction;

/** Told after a reaction is stored, so the gateway can float it on every viewer's screen. */
@FunctionalInterface
public interface ReactionListener {
    void onReaction(Reaction reaction);
}
