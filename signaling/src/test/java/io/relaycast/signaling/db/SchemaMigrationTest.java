package io.relaycast.signaling.db;

import io.relaycast.signaling.testing.TestDatabases;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

public class SchemaMigrationTest {
    private static final Set<String> TABLES = Set.of("users", "follows", "streams", "viewer_sessions", "chat_messages",
            "reactions", "featured_items", "media_samples", "recordings", "webhook_endpoints",
            "webhook_events", "webhook_deliveries", "webhook_attempts");

    @DataProvider
    public Object[][] engines() {
        return TestDatabases.both();
    }

    @Test(dataProvider = "engines")
    public void migrationCreatesEveryTableAndTheQueryIndexes(String engine) {
        try (Database db = TestDatabases.open(engine)) {
            List<String> tables = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_schema) = 'public'")
                    .mapTo(String.class).list());
            assertTrue(new TreeSet<>(tables).containsAll(TABLES), engine + " has " + tables);
            // the listing and history queries depend on these
            for (String index : List.of("streams_status_category_idx", "viewer_sessions_open_idx",
                    "chat_messages_stream_seq_idx", "follows_followee_idx", "reactions_stream_time_idx",
                    "streams_key_hash_idx")) {
                assertTrue(indexExists(db, engine, index), engine + " lacks index " + index);
            }
        }
    }

    @Test(dataProvider = "engines")
    public void migratingTwiceIsHarmless(String engine) {
        if (engine.equals("h2")) {
            return; // each H2 call is a fresh in-memory database; the PostgreSQL run database is shared
        }
        try (Database first = TestDatabases.open(engine); Database second = TestDatabases.open(engine)) {
            // every migration on the classpath, each applied once (counted, so new migrations need no edit here)
            int migrations;
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                    SchemaMigrationTest.class.getClassLoader().getResource("db/migration").toURI()))) {
                migrations = (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
            } catch (java.io.IOException | java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(second.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success")
                    .mapTo(Integer.class).one()).intValue(), migrations, "each migration once");
            assertTrue(first.isReachable());
        }
    }

    private static boolean indexExists(Database db, String engine, String name) {
        String sql = engine.equals("postgres")
                ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname = :n"
                : "SELECT COUNT(*) FROM information_schema.indexes WHERE LOWER(index_name) = :n";
        return db.jdbi().withHandle(h -> h.createQuery(sql).bind("n", name).mapTo(Integer.class).one()) > 0;
    }
}
