package io.relaycast.packaging;

import org.testng.SkipException;
import org.testng.annotations.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Runs docker/check-image.sh (build the image, /health/ready, a WHIP publish with viewers and chat through the
 * image's own load tool) where a Docker engine runs; skipped, saying why, where none does (a docker client alone
 * is not enough: {@code docker info} must answer).
 */
public class DockerImageTest {

    @Test
    public void theImageBuildsServesAndTakesAPublish() throws Exception {
        String why = engineMissing();
        if (why != null) {
            throw new SkipException("no Docker engine runs here (" + why + "): docker/check-image.sh was not run");
        }
        Path log = Files.createTempFile("check-image", ".log");
        Process p = new ProcessBuilder("bash", Repo.file("docker/check-image.sh").toString())
                .directory(Repo.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(25, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "check-image.sh did not finish in 25 minutes:\n" + out);
        assertEquals(p.exitValue(), 0, out);
        assertTrue(out.contains("check-image.sh: OK") && out.contains("result        OK"), out);
    }

    /** Null when {@code docker info} answers; otherwise why not. */
    static String engineMissing() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "docker info did not answer in 20 s";
            }
            return p.exitValue() == 0 ? null : "docker info exited " + p.exitValue();
        } catch (java.io.IOException e) {
            return "no docker client: " + e.getMessage();
        }
    }
}
