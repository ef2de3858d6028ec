package io.relaycast.web.e2e;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For peers that gather no loopback candidates: libnice (GStreamer's webrtcbin) never does when the host has another
 * address, and Firefox leaves 127.0.0.1 out and pairs no other address with it, whatever its loopback preference
 * says. The SFU then also binds this host's own non-loopback IPv4 address; packets between two local addresses are
 * still delivered by the kernel over lo, never onto a network.
 */
final class LocalAddresses {
    private LocalAddresses() {
    }

    /** The first non-loopback, non-link-local IPv4 address of an interface that is up. */
    static String nonLoopbackIpv4() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        throw new AssertionError("this host has no non-loopback IPv4 address for the browser to pair with");
    }

    /** {@code overrides} plus the SFU bound to 127.0.0.1 and {@link #nonLoopbackIpv4()}. */
    static Map<String, Object> withHostAddress(Map<String, Object> overrides) throws SocketException {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put("relaycast.media.ice.bind-addresses", List.of("127.0.0.1", nonLoopbackIpv4()));
        return config;
    }
}
