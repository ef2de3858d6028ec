package io.relaycast.signaling.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps webhook requests out of the host's own network (SSRF): only http(s) URLs, and every address the host
 * name resolves to must be a public unicast address: not loopback, private (RFC 1918, RFC 4193), link-local
 * (RFC 3927, which holds the cloud metadata address 169.254.169.254; fe80::/10), shared (RFC 6598), "this
 * network", multicast, or an IPv4-mapped form of one of those. Checked when an endpoint is registered and again
 * before every attempt, on the resolved addresses, so a name that later points inward is caught.
 */
public final class TargetGuard {
    private final boolean allowPrivate;

    public TargetGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The reason this URL may not be called, or empty when it may. Resolves the host (DNS). */
    public Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs can receive webhooks");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("the URL has no host");
        }
        if (url.getRawUserInfo() != null) {
            return Optional.of("credentials in the URL are not accepted; put them in the path or use the signature");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("the host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                return Optional.of(host + " resolves to " + a.getHostAddress() + ", a loopback, private or link-local"
                        + " address (set relaycast.webhooks.allow-private-targets = true to allow it)");
            }
        }
        return Optional.empty();
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // fc00::/7 unique local (RFC 4193)
            }
            if (isMappedIpv4(b)) {
                byte[] v4 = {b[12], b[13], b[14], b[15]};
                try {
                    return isPublic(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return false; // 0.0.0.0/8 "this network"
            }
            if (first == 100 && second >= 64 && second < 128) {
                return false; // 100.64.0.0/10 shared address space (RFC 6598)
            }
            return first < 240; // 240.0.0.0/4 reserved, 255.255.255.255 broadcast
        }
        return false;
    }

    private static boolean isMappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
