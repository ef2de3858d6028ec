package io.relaycast.sfu.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code relaycast.media}: the shared UDP port, the address advertised for static NAT, the publishers' video
 * bitrate: where their bandwidth estimate starts and the most they may send (kbit/s; 0 = the browser's own), and
 * the media sockets' kernel buffers ({@link SocketBufferConfig}).
 */
public record MediaConfig(int udpPort, String publicIp, int publisherStartKbps, int publisherMaxKbps,
                          SocketBufferConfig socketBuffers, io.relaycast.sfu.dtls.DtlsLimits dtls) {

    public static final int DEFAULT_PUBLISHER_START_KBPS = 1000;
    public static final int DEFAULT_PUBLISHER_MAX_KBPS = 2500;

    public MediaConfig(int udpPort, String publicIp) {
        this(udpPort, publicIp, DEFAULT_PUBLISHER_START_KBPS, DEFAULT_PUBLISHER_MAX_KBPS);
    }

    public MediaConfig(int udpPort, String publicIp, int publisherStartKbps, int publisherMaxKbps) {
        this(udpPort, publicIp, publisherStartKbps, publisherMaxKbps, SocketBufferConfig.DEFAULTS,
                io.relaycast.sfu.dtls.DtlsLimits.DEFAULTS);
    }

    public static MediaConfig from(Config c) {
        int port = c.getInt("udp-port");
        if (port < 0 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), "udp-port", "must be 0-65535, was " + port);
        }
        String ip = c.getString("public-ip").trim();
        if (!ip.isEmpty()) {
            // a literal address only: resolving a name here would make start-up depend on DNS
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new ConfigException.BadValue(c.origin(), "public-ip", "must be an IPv4 or IPv6 address, was '" + ip + "'");
            }
            try {
                InetAddress.getByName(ip);
            } catch (UnknownHostException e) {
                throw new ConfigException.BadValue(c.origin(), "public-ip", "is not a valid address: " + ip);
            }
        }
        int start = kbps(c, "publisher-start-bitrate", DEFAULT_PUBLISHER_START_KBPS);
        int max = kbps(c, "publisher-max-bitrate", DEFAULT_PUBLISHER_MAX_KBPS);
        if (max > 0 && start > max) {
            throw new ConfigException.BadValue(c.origin(), "publisher-start-bitrate",
                    "must not exceed publisher-max-bitrate (" + max + " kbit/s), was " + start + " kbit/s");
        }
        io.relaycast.sfu.dtls.DtlsLimits dtls = c.hasPath("dtls")
                ? io.relaycast.sfu.dtls.DtlsLimits.from(c.getConfig("dtls")) : io.relaycast.sfu.dtls.DtlsLimits.DEFAULTS;
        return new MediaConfig(port, ip, start, max, SocketBufferConfig.from(c), dtls);
    }

    /** A bitrate such as {@code 2500k} or {@code 2.5M} (bits per second, SI prefixes), in kbit/s. */
    private static int kbps(Config c, String key, int fallback) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        String text = c.getString(key).trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmM]?)").matcher(text);
        if (!m.matches()) {
            throw new ConfigException.BadValue(c.origin(), key, "must be a bitrate such as 2500k or 2.5M, was '"
                    + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
        double k = unit.equals("m") ? value * 1000 : unit.equals("k") ? value : value / 1000;
        if (k != 0 && (k < 100 || k > 50_000)) {
            throw new ConfigException.BadValue(c.origin(), key, "must be 0 or 100k-50M, was '" + text + "'");
        }
        return (int) Math.round(k);
    }
}
