package io.relaycast.hls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An independent playlist parser for the tests: the {@code m3u8-parser} npm package (video.js), installed with npm
 * into {@code target/m3u8-parser} on first use (node and npm are on the test machines; nothing is installed
 * system-wide), run by node over {@code m3u8-check.mjs}. Apple's mediastreamvalidator does not run here.
 */
final class M3u8ParserCheck {
    static final String VERSION = "7.2.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private M3u8ParserCheck() {
    }

    /** Each playlist as m3u8-parser reads it: {@code {manifest, warnings}}. */
    static JsonNode parse(List<String> playlists) throws IOException, InterruptedException {
        Path home = install();
        Process p = new ProcessBuilder("node", "m3u8-check.mjs").directory(home.toFile()).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(playlists));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("node m3u8-check.mjs failed: " + err);
        }
        return JSON.readTree(out);
    }

    private static synchronized Path install() throws IOException, InterruptedException {
        Path home = Path.of("target", "m3u8-parser").toAbsolutePath();
        Files.createDirectories(home);
        try (InputStream script = M3u8ParserCheck.class.getResourceAsStream("/m3u8-check.mjs")) {
            Files.copy(script, home.resolve("m3u8-check.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isRegularFile(home.resolve("node_modules/m3u8-parser/package.json"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
                    "m3u8-parser@" + VERSION).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new IOException("npm install m3u8-parser@" + VERSION + " failed (network?): " + log);
            }
        }
        return home;
    }
}
