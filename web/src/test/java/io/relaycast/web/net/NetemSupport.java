package io.relaycast.web.net;

/**
 * Whether this kernel has the netem qdisc: tried once on a throwaway namespace, since the only reliable test is
 * to add one ({@code modprobe sch_netem} first, for kernels that have it as a module).
 */
final class NetemSupport {
    private static Boolean available;

    private NetemSupport() {
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                new ProcessBuilder("modprobe", "-q", "sch_netem").redirectErrorStream(true).start().waitFor();
            } catch (Exception ignored) {
                // no modprobe (no modules either): the probe below decides
            }
            try (NetworkNamespace probe = NetworkNamespace.create()) {
                probe.exec("tc", "qdisc", "add", "dev", probe.innerLink, "root", "netem", "loss", "1%");
                available = true;
            } catch (RuntimeException e) {
                available = false;
            }
        }
        return available;
    }
}
