package io.relaycast.web.turn;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real coturn ({@code /usr/bin/turnserver}, Debian package {@code coturn}) for tests: our shipped
 * {@code config/turnserver.conf} plus command-line overrides that keep it on loopback and out of the system's
 * files. Command-line values win over the file's for single-valued options (ports, cert, pkey); list options
 * ({@code static-auth-secret}, {@code denied-peer-ip}) add to the file's.
 *
 * <pre>
 * turnserver -c config/turnserver.conf
 *   --listening-ip=127.0.0.1 --relay-ip=127.0.0.1          # nothing leaves loopback
 *   --listening-port=P --min-port=R --max-port=R+99         # random ports (TCP and UDP share P)
 *   --tls-listening-port=T --cert=.. --pkey=..              # or --no-tls when no certificate is wanted
 *   --static-auth-secret=S [--static-auth-secret=S2]        # one line per accepted secret
 *   --log-file=stdout --pidfile=DIR/turnserver.pid --db=DIR/turndb   # a temp dir, not /var
 * </pre>
 *
 * It runs in the foreground (no {@code -o}) as a child of the test JVM, so {@link #close()} (SIGTERM, then
 * SIGKILL) and a JVM shutdown hook always end it. Readiness is checked with a real STUN Binding over UDP and a
 * TCP connect, not by reading the log.
 */
public final class Coturn implements AutoCloseable {
    public static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    public final Path dir;
    public final int port;
    /** The TLS port, or -1 when started without a certificate. */
    public final int tlsPort;
    public final int minRelayPort;
    public final int maxRelayPort;
    public final List<String> secrets;
    /** The throwaway certificate (PEM) when TLS is on. */
    public final Path cert;
    private final Process process;
    private final Path output;
    private final Thread reaper;

    private Coturn(Path dir, int port, int tlsPort, int minRelayPort, List<String> secrets, Path cert,
                   Process process, Path output) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.minRelayPort = minRelayPort;
        this.maxRelayPort = minRelayPort + RELAY_PORTS - 1;
        this.secrets = List.copyOf(secrets);
        this.cert = cert;
        this.process = process;
        this.output = output;
        this.reaper = new Thread(process::destroyForcibly, "coturn-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    private static final int RELAY_PORTS = 100;

    /** What is missing to run coturn, if anything; the path is a parameter so the message can be tested. */
    static Optional<String> problem(Path turnserver) {
        if (Files.isExecutable(turnserver)) {
            return Optional.empty();
        }
        return Optional.of("TURN tests need " + turnserver + " (Debian package coturn). "
                + "Install with: apt-get install -y coturn (./run-tests does this when run as root).");
    }

    /** Throws, naming the apt package, unless coturn is installed: a missing tool fails the tests, never skips them. */
    public static void require() {
        problem(TURNSERVER).ifPresent(message -> {
            throw new AssertionError(message);
        });
    }

    /** {@code config/turnserver.conf} of this checkout, found upwards from the working directory. */
    public static Path shippedConfig() {
        Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (; d != null; d = d.getParent()) {
            Path c = d.resolve("config").resolve("turnserver.conf");
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new AssertionError("config/turnserver.conf not found above " + System.getProperty("user.dir"));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<String> secrets = new ArrayList<>();
        private final List<String> extra = new ArrayList<>();
        private boolean tls;
        private Path config;

        /** Adds one accepted secret (a {@code --static-auth-secret} argument); call twice for a rotation overlap. */
        public Builder secret(String secret) {
            secrets.add(secret);
            return this;
        }

        /** Also listen for TLS ({@code turns:}) with a throwaway self-signed certificate for 127.0.0.1. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Epoch-bound secrets: coturn reads its REST API secrets from the test Redis ({@link TurnTests#redisUrl()})
         * under {@code turn/realm/<realm>/secret}. A realm of the test's own keeps parallel runs apart.
         */
        public Builder redisSecrets(String realm) {
            extra.add("--redis-userdb=" + TurnTests.coturnRedisConnection());
            extra.add("--realm=" + realm);
            return this;
        }

        /** Another configuration file instead of the shipped one. */
        public Builder config(Path file) {
            this.config = file;
            return this;
        }

        public Builder arg(String arg) {
            extra.add(arg);
            return this;
        }

        public Coturn start() {
            require();
            try {
                return launch(config == null ? shippedConfig() : config, secrets, tls, extra);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Coturn launch(Path config, List<String> secrets, boolean tls, List<String> extra) throws IOException {
        Path dir = Files.createTempDirectory("relaycast-coturn");
        int port = freePort();
        int tlsPort = tls ? freePort() : -1;
        // relays: a block below Linux's ephemeral range (32768+) so other tests' sockets do not take them
        int minRelay = 20000 + ThreadLocalRandom.current().nextInt(120) * RELAY_PORTS;
        Path cert = null;
        List<String> cmd = new ArrayList<>(List.of(TURNSERVER.toString(), "-c", config.toString(),
                "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port,
                "--min-port=" + minRelay, "--max-port=" + (minRelay + RELAY_PORTS - 1),
                "--log-file=stdout", "--simple-log",
                "--pidfile=" + dir.resolve("turnserver.pid"),
                "--db=" + dir.resolve("turndb")));
        if (tls) {
            cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            selfSignedCertificate(cert, key);
            cmd.add("--tls-listening-port=" + tlsPort);
            cmd.add("--cert=" + cert);
            cmd.add("--pkey=" + key);
        } else {
            cmd.add("--no-tls");
            cmd.add("--no-dtls");
        }
        for (String s : secrets) {
            cmd.add("--static-auth-secret=" + s);
        }
        cmd.addAll(extra);
        Path output = dir.resolve("turnserver.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        Coturn c = new Coturn(dir, port, tlsPort, minRelay, secrets, cert, p, output);
        try {
            c.awaitReady();
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("turnserver exited with " + process.exitValue() + ":\n" + log());
            }
            try (TurnClient udp = TurnClient.udp(udpAddress())) {
                udp.binding(200);
                tcpConnect(port);
                if (tlsPort > 0) {
                    tcpConnect(tlsPort);
                }
                return;
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            sleep(50);
        }
        throw new AssertionError("turnserver did not answer on 127.0.0.1:" + port + " within 15 s (" + last + "):\n" + log());
    }

    private static void tcpConnect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        }
    }

    /** TLS that trusts exactly this coturn's throwaway certificate (for {@code turns:}). */
    public SSLContext sslContext() {
        if (cert == null) {
            throw new IllegalStateException("started without tls()");
        }
        try (InputStream in = Files.newInputStream(cert)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("coturn", c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public InetSocketAddress udpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Everything coturn printed so far (it logs to stdout here). */
    public String log() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        deleteQuietly(dir);
    }

    /** A port free on 127.0.0.1 for both TCP and UDP (coturn opens both on its listening port). */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    /** A one-day self-signed P-256 certificate for 127.0.0.1, made with the openssl command. */
    static void selfSignedCertificate(Path cert, Path key) throws IOException {
        List<String> cmd = List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("The turns: test needs the openssl command (Debian package openssl): " + e, e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("openssl could not make a test certificate:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a temp dir; best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
