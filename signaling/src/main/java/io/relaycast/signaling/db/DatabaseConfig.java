package io.relaycast.signaling.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.URI;
import java.nio.file.Path;

/**
 * {@code relaycast.database}: PostgreSQL when a URL is given ({@code DATABASE_URL}), embedded H2 in the
 * data folder otherwise. Accepts both {@code jdbc:postgresql://host/db} and the common
 * {@code postgres://user:pass@host:port/db} form that hosting platforms hand out.
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int poolSize, boolean embedded) {

    public static DatabaseConfig from(Config c, Path dataDir) {
        String url = c.getString("url").trim();
        String user = c.getString("user");
        String password = c.getString("password");
        int poolSize = c.getInt("pool-size");
        if (poolSize < 1 || poolSize > 200) {
            throw new ConfigException.BadValue(c.origin(), "pool-size", "must be between 1 and 200, was " + poolSize);
        }
        if (url.isEmpty()) {
            Path file = dataDir.resolve("db").resolve("relaycast").toAbsolutePath();
            String h2 = "jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
            return new DatabaseConfig(h2, user.isEmpty() ? "sa" : user, password, poolSize, true);
        }
        if (url.startsWith("jdbc:")) {
            if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
                throw new ConfigException.BadValue(c.origin(), "url", "only PostgreSQL and H2 JDBC URLs are supported");
            }
            return new DatabaseConfig(url, user, password, poolSize, url.startsWith("jdbc:h2:"));
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            try {
                URI uri = URI.create(url);
                String u = user;
                String p = password;
                if (uri.getUserInfo() != null) {
                    String[] parts = uri.getUserInfo().split(":", 2);
                    u = parts[0];
                    p = parts.length > 1 ? parts[1] : "";
                }
                int port = uri.getPort() > 0 ? uri.getPort() : 5432;
                String query = uri.getQuery() == null ? "" : "?" + uri.getQuery();
                String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath() + query;
                return new DatabaseConfig(jdbc, u, p, poolSize, false);
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.origin(), "url", "is not a valid URL: " + e.getMessage());
            }
        }
        throw new ConfigException.BadValue(c.origin(), "url",
                "must be a jdbc:postgresql:// or postgres:// URL (or empty for the embedded database)");
    }

    /** The URL with any password removed, for the start-up log. */
    public String describe() {
        return embedded ? "embedded H2 (" + jdbcUrl.split(";")[0] + ")" : "PostgreSQL " + jdbcUrl.replaceAll("password=[^&]*", "password=***");
    }
}
