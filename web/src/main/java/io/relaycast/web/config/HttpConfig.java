package io.relaycast.web.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.List;

/** {@code relaycast.http}: the HTTP edge (REST, pages, WHIP/WHEP, HLS, VOD). */
public record HttpConfig(String host, int port, String publicUrl, long maxBodyBytes, List<String> corsAllowedOrigins) {

    /** @param devMode an empty host binds loopback in dev mode, every address in production ({@link BindHost}) */
    public static HttpConfig from(Config c, boolean devMode) {
        int port = c.getInt("port");
        if (port < 0 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), "port", "must be 0-65535, was " + port);
        }
        String url = c.getString("public-url").trim();
        if (!url.isEmpty() && !url.matches("https?://[^/\\s]+(/.*)?")) {
            throw new ConfigException.BadValue(c.origin(), "public-url", "must be an http(s) URL, was '" + url + "'");
        }
        long max = c.getBytes("max-body-bytes");
        if (max < 1024 || max > 64L * 1024 * 1024) {
            throw new ConfigException.BadValue(c.origin(), "max-body-bytes", "must be between 1 KiB and 64 MiB, was " + max);
        }
        List<String> origins = c.getStringList("cors-allowed-origins");
        for (String o : origins) {
            if (!o.matches("https?://[^/\\s]+")) {
                throw new ConfigException.BadValue(c.origin(), "cors-allowed-origins",
                        "'" + o + "' must be scheme://host[:port] with no path (and '*' is not allowed)");
            }
        }
        return new HttpConfig(BindHost.resolve(c.getString("host"), devMode), port, url.replaceAll("/+$", ""), max, List.copyOf(origins));
    }
}
