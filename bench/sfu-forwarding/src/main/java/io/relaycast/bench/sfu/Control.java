package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The load generator's side of {@link SfuServer}'s stdin/stdout protocol: the MediaPlane calls, one at a time. */
final class Control implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Process process;
    final int udpPort;
    final long pid;
    private final BufferedReader in;
    private final PrintStream out;

    Control(Process process) throws IOException {
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = in.readLine();
        while (ready != null && !ready.startsWith("ready ")) {
            ready = in.readLine(); // JVM chatter (e.g. -XX:StartFlightRecording) before our first line
        }
        if (ready == null || !ready.startsWith("ready ")) {
            throw new IOException("the SFU did not start: " + ready);
        }
        String[] w = ready.split(" ");
        udpPort = Integer.parseInt(w[1]);
        pid = Long.parseLong(w[2]);
    }

    private synchronized String call(String line) throws IOException {
        out.println(line);
        String r = in.readLine();
        if (r == null) {
            throw new IOException("the SFU process ended");
        }
        if (!r.startsWith("ok")) {
            throw new IOException("SFU refused '" + line.split(" ")[0] + "': " + r);
        }
        return r.length() > 3 ? r.substring(3) : "";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    String publish(String stream, String peer, String offer) throws IOException {
        return unb64(call("publish " + stream + " " + peer + " " + b64(offer)));
    }

    String subscribe(String stream, String peer) throws IOException {
        return unb64(call("subscribe " + stream + " " + peer));
    }

    void answer(String stream, String peer, String answer) throws IOException {
        call("answer " + stream + " " + peer + " " + b64(answer));
    }

    void closePeer(String stream, String peer) throws IOException {
        call("close " + stream + " " + peer);
    }

    JsonNode stats(String stream) throws IOException {
        return JSON.readTree(call("stats " + stream));
    }

    @Override
    public void close() {
        try {
            call("quit");
        } catch (IOException e) {
            // already gone
        }
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }
}
