package io.relaycast.web.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This node's id, kept in {@code data-dir/node-id} so it survives restarts: what a node carried before a crash is
 * recognised as its own when it comes back (a node is its data folder).
 */
public final class NodeIdentity {
    private NodeIdentity() {
    }

    /** {@code configured} (relaycast.cluster.node-id, NODE_ID) when set, else the id kept in the data folder. */
    public static String load(Path dataDir, String configured) {
        return configured == null || configured.isBlank() ? load(dataDir) : configured.trim();
    }

    public static String load(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (id.matches("[A-Za-z0-9._-]{1,64}")) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node id in " + file, e);
        }
    }
}
