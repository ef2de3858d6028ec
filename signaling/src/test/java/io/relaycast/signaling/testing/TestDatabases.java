package io.relaycast.signaling.testing;

import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.db.DatabaseConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real databases for tests. PostgreSQL: one fresh database per test run (JVM), created on the server named
 * by {@code RELAYCAST_TEST_PG} (default the local {@code test} database at 127.0.0.1:5432, trust auth) and
 * dropped when the JVM exits. H2: a fresh in-memory database per call.
 */
public final class TestDatabases {
    private static final String ADMIN_URL = env("RELAYCAST_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String ADMIN_USER = env("RELAYCAST_TEST_PG_USER", "postgres");
    private static final String ADMIN_PASSWORD = env("RELAYCAST_TEST_PG_PASSWORD", "");
    private static String runDatabaseUrl;

    private TestDatabases() {
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** JDBC URL of this run's PostgreSQL database (created on first use). */
    public static synchronized String postgresUrl() {
        if (runDatabaseUrl != null) {
            return runDatabaseUrl;
        }
        String name = "relaycast_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed for these tests and " + ADMIN_URL
                    + " did not answer as " + ADMIN_USER + " (" + e.getMessage() + "). Start it, or set RELAYCAST_TEST_PG.", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(name)));
        int slash = ADMIN_URL.lastIndexOf('/');
        runDatabaseUrl = ADMIN_URL.substring(0, slash + 1) + name;
        return runDatabaseUrl;
    }

    public static String postgresUser() {
        return ADMIN_USER;
    }

    public static String postgresPassword() {
        return ADMIN_PASSWORD;
    }

    private static void drop(String name) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }

    public static Database postgres() {
        return Database.open(new DatabaseConfig(postgresUrl(), ADMIN_USER, ADMIN_PASSWORD, 4, false));
    }

    public static Database h2() {
        String url = "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        return Database.open(new DatabaseConfig(url, "sa", "", 4, true));
    }

    /** Both engines, for repository tests that must behave identically on each. */
    public static Object[][] both() {
        return new Object[][]{{"postgres"}, {"h2"}};
    }

    public static Database open(String engine) {
        return switch (engine) {
            case "postgres" -> postgres();
            case "h2" -> h2();
            default -> throw new IllegalArgumentException(engine);
        };
    }
}
