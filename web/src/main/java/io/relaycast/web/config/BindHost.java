package io.relaycast.web.config;

/**
 * Where the HTTP and Socket.IO ports listen when the configuration leaves {@code host} empty (the default): loopback
 * in dev mode, since dev mode mints tokens for anyone who asks (an admin's included) and must not be reachable from
 * the network by accident; every address in production. An explicit host (HTTP_HOST / SIGNALING_HOST) always wins.
 */
final class BindHost {
    static final String DEV_DEFAULT = "127.0.0.1";
    static final String PRODUCTION_DEFAULT = "0.0.0.0";

    private BindHost() {
    }

    static String resolve(String configured, boolean devMode) {
        String h = configured == null ? "" : configured.trim();
        if (!h.isEmpty()) {
            return h;
        }
        return devMode ? DEV_DEFAULT : PRODUCTION_DEFAULT;
    }
}
