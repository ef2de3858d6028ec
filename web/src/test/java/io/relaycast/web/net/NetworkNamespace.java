package io.relaycast.web.net;

import io.relaycast.web.browser.Browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test host of our own: a Linux network namespace joined to this machine by a veth pair with a /30 of its own
 * (10.231.N.1 on our side, 10.231.N.2 inside). Traffic between the two never leaves the machine. Needs root and
 * iproute2 (and iptables for {@link #firewall}); everything is removed again by {@link #close()}.
 */
public final class NetworkNamespace implements AutoCloseable {
    public final String name;
    public final String hostAddress;
    public final String innerAddress;
    /** Our end of the veth pair: its egress is the path into the namespace. */
    public final String hostLink;
    /** The namespace's end: its egress is the path out of it. */
    public final String innerLink;
    private final List<Process> processes = new ArrayList<>();

    private NetworkNamespace(String name, String hostLink, String innerLink, String hostAddress, String innerAddress) {
        this.name = name;
        this.hostLink = hostLink;
        this.innerLink = innerLink;
        this.hostAddress = hostAddress;
        this.innerAddress = innerAddress;
    }

    public static NetworkNamespace create() {
        int n = ThreadLocalRandom.current().nextInt(1, 250);
        String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 16);
        NetworkNamespace ns = new NetworkNamespace("rc" + id, "rc" + id + "h", "rc" + id + "n", "10.231." + n + ".1", "10.231." + n + ".2");
        try {
            run("ip", "netns", "add", ns.name);
            run("ip", "link", "add", ns.hostLink, "type", "veth", "peer", "name", "rc" + id + "n");
            run("ip", "link", "set", "rc" + id + "n", "netns", ns.name);
            run("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostLink);
            run("ip", "link", "set", ns.hostLink, "up");
            ns.exec("ip", "addr", "add", ns.innerAddress + "/30", "dev", "rc" + id + "n");
            ns.exec("ip", "link", "set", "rc" + id + "n", "up");
            ns.exec("ip", "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    /**
     * An enterprise firewall for everything inside: no UDP at all, and TCP only to {@code tcpPorts} on our side
     * of the link (replies to connections made from outside, such as the chromedriver's, still flow).
     */
    public void firewall(int... tcpPorts) {
        exec("iptables", "-A", "OUTPUT", "-o", "lo", "-j", "ACCEPT");
        exec("iptables", "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        exec("iptables", "-A", "OUTPUT", "-p", "udp", "-j", "DROP");
        for (int port : tcpPorts) {
            exec("iptables", "-A", "OUTPUT", "-p", "tcp", "-d", hostAddress, "--dport", Integer.toString(port), "-j", "ACCEPT");
        }
        exec("iptables", "-A", "OUTPUT", "-j", "DROP");
    }

    /** Runs a command inside and waits for it (10 s). */
    public void exec(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        run(cmd.toArray(String[]::new));
    }

    /** Starts a long-running command inside; it is killed by {@link #close()}. */
    public Process spawn(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A headless Chromium inside: its chromedriver runs in the namespace (killed by {@link #close()}) and is driven
     * from here over the link, so the browser's traffic takes the namespace's path and firewall.
     */
    public Browser startChromium() throws InterruptedException {
        int driverPort = 9515 + ThreadLocalRandom.current().nextInt(400);
        spawn("/usr/bin/chromedriver", "--port=" + driverPort, "--allowed-ips=" + hostAddress);
        URL driver;
        try {
            driver = new URL("http://" + innerAddress + ":" + driverPort);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        RuntimeException last = null;
        for (int i = 0; i < 50; i++) { // chromedriver needs a moment to listen
            try {
                return Browser.remote(driver);
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw last;
    }

    /** Runs a command on this machine, outside the namespace, and waits for it (10 s); fails with its output. */
    public static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim()
                        + " (network namespace tests need root, iproute2 and iptables)");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e.getMessage()
                    + " (install iproute2 and iptables)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            run("ip", "netns", "del", name);
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            run("ip", "link", "del", hostLink);
        } catch (RuntimeException ignored) {
            // deleting the namespace removed the pair already
        }
    }
}
