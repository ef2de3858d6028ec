package io.relaycast.signaling.auth;

import java.util.Set;

/** An authenticated user as the integrator's JWT describes them ({@code sub}, {@code name}, {@code roles}). */
public record Principal(String userId, String displayName, Set<String> roles) {
    public static final String ADMIN = "admin";
    public static final String MODERATOR = "moderator";

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** Moderators and admins may pin and delete anyone's chat messages. */
    public boolean canModerate() {
        return roles.contains(MODERATOR) || roles.contains(ADMIN);
    }
}
