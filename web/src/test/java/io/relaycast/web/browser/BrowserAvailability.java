package io.relaycast.web.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that the Debian Chromium and its matching chromedriver are installed.
 *
 * <p>A missing browser is a broken test environment, not a reason to skip: browser tests throw an
 * {@link AssertionError} naming the apt packages so that CI fails loudly (./run-tests installs them
 * when it runs as root). We use the distribution's pair, never a downloaded one, because the two
 * must be the same version and the test network cannot reach Google's download servers.
 */
public final class BrowserAvailability {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private BrowserAvailability() {
    }

    /** Throws, with an install hint, unless both executables are present. */
    public static void require() {
        problem(CHROMIUM, CHROMEDRIVER).ifPresent(message -> {
            throw new AssertionError(message);
        });
    }

    /** What is missing, if anything; paths are parameters so the message itself can be tested. */
    static Optional<String> problem(Path chromium, Path chromedriver) {
        List<String> missing = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        if (!Files.isExecutable(chromium)) {
            missing.add(chromium.toString());
            packages.add("chromium");
        }
        if (!Files.isExecutable(chromedriver)) {
            missing.add(chromedriver.toString());
            packages.add("chromium-driver");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String install = String.join(" ", packages);
        return Optional.of("Browser tests need " + String.join(" and ", missing)
                + " (Debian package" + (packages.size() > 1 ? "s " : " ") + install + "). "
                + "Install with: apt-get install -y chromium chromium-driver "
                + "(./run-tests does this when run as root).");
    }
}
