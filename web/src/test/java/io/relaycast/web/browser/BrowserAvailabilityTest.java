package io.relaycast.web.browser;

import org.testng.annotations.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

public class BrowserAvailabilityTest {
    private static final Path PRESENT = Path.of("/bin/sh");
    private static final Path ABSENT = Path.of("/nonexistent/relaycast/chromium");

    @Test
    public void nothingToReportWhenBothExecutablesExist() {
        assertEquals(BrowserAvailability.problem(PRESENT, PRESENT), Optional.empty());
    }

    @Test
    public void missingDriverNamesItsPackageAndTheInstallCommand() {
        String message = BrowserAvailability.problem(PRESENT, ABSENT).orElseThrow();
        assertTrue(message.contains(ABSENT.toString()), message);
        assertTrue(message.contains("package chromium-driver"), message);
        assertTrue(message.contains("apt-get install -y chromium chromium-driver"), message);
    }

    @Test
    public void missingBrowserAndDriverAreBothNamed() {
        String message = BrowserAvailability.problem(ABSENT, Path.of("/nonexistent/chromedriver")).orElseThrow();
        assertTrue(message.contains("packages chromium chromium-driver"), message);
        assertTrue(message.contains("/nonexistent/chromedriver"), message);
    }
}
