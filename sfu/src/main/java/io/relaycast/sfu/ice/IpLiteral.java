package io.relaycast.sfu.ice;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals without DNS: {@link InetAddress#getByName} falls back to a name lookup for anything that is
 * not a well-formed literal (e.g. {@code 999.1.1.1}), which must not happen on a signaling thread or at start-up.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /** The address, or {@code null} when {@code s} is not an IPv4 dotted quad or an IPv6 literal. */
    static InetAddress parse(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            try {
                // in brackets the JDK insists on an IPv6 literal and never resolves
                return InetAddress.getByName('[' + s + ']');
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        byte[] b = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 4) {
                b[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        if (part != 4) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null; // only for a wrong length, which cannot happen here
        }
    }
}
