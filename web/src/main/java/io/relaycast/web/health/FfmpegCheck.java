package io.relaycast.web.health;

import java.util.concurrent.TimeUnit;

/**
 * Is ffmpeg on the PATH? Only recording and HLS need it, so its absence degrades the node rather than
 * taking it out of service. The answer is cached: the binary does not come and go between probes.
 */
public final class FfmpegCheck implements ReadinessCheck {
    private volatile Result cached;
    private volatile long cachedAt;

    @Override
    public String name() {
        return "ffmpeg";
    }

    @Override
    public boolean essential() {
        return false;
    }

    @Override
    public Result check() {
        long now = System.currentTimeMillis();
        Result r = cached;
        if (r != null && now - cachedAt < 60_000) {
            return r;
        }
        r = probe();
        cached = r;
        cachedAt = now;
        return r;
    }

    private static Result probe() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-version").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(200);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "ffmpeg -version did not answer");
            }
            String first = new String(out, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse("");
            return p.exitValue() == 0 ? new Result(true, first) : new Result(false, "ffmpeg -version failed");
        } catch (java.io.IOException e) {
            return new Result(false, "ffmpeg not found on PATH: recording and HLS are unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }
}
