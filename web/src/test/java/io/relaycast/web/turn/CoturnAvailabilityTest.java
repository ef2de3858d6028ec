package io.relaycast.web.turn;

import org.testng.annotations.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** A missing coturn fails the TURN tests with the apt package to install; it never skips them. */
public class CoturnAvailabilityTest {

    @Test
    public void nothingToReportWhenTurnserverIsExecutable() {
        assertEquals(Coturn.problem(Path.of("/bin/sh")), Optional.empty());
    }

    @Test
    public void missingTurnserverNamesTheDebianPackageAndTheInstallCommand() {
        String message = Coturn.problem(Path.of("/nonexistent/relaycast/turnserver")).orElseThrow();
        assertTrue(message.contains("/nonexistent/relaycast/turnserver"), message);
        assertTrue(message.contains("Debian package coturn"), message);
        assertTrue(message.contains("apt-get install -y coturn"), message);
    }
}
