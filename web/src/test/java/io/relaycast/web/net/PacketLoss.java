package io.relaycast.web.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Random packet loss on both directions of a {@link NetworkNamespace}'s link, the way a lossy access network
 * loses packets: in the kernel, after our process has sent them, so every layer above (SRTP, NACK, RTX, the
 * browser's jitter buffer) sees a real gap.
 *
 * <p>{@code tc qdisc ... netem loss P%} on both veth ends when the kernel has netem (sch_netem). Kernels built
 * without it (the CI machine's has CONFIG_NET_SCH_NETEM unset and no modules to load) get the same drop on the
 * same egress from iptables' {@code statistic} match in random mode, for UDP only: the chromedriver and
 * signaling TCP connections are not what is tested and would only make the harness slower.
 * {@link #method()} says which one is in force.
 */
public final class PacketLoss implements AutoCloseable {
    private final List<Runnable> undo = new ArrayList<>();
    private final String method;

    private PacketLoss(NetworkNamespace ns, int percent) {
        String p = percent + "%";
        if (NetemSupport.available()) {
            NetworkNamespace.run("tc", "qdisc", "add", "dev", ns.hostLink, "root", "netem", "loss", p);
            undo.add(() -> NetworkNamespace.run("tc", "qdisc", "del", "dev", ns.hostLink, "root"));
            ns.exec("tc", "qdisc", "add", "dev", ns.innerLink, "root", "netem", "loss", p);
            undo.add(() -> ns.exec("tc", "qdisc", "del", "dev", ns.innerLink, "root"));
            method = "tc netem loss " + p + " on both veth ends";
        } else {
            String probability = Double.toString(percent / 100.0);
            String[] out = {"OUTPUT", "-o", ns.hostLink, "-p", "udp", "-m", "statistic", "--mode", "random",
                    "--probability", probability, "-j", "DROP"};
            NetworkNamespace.run(iptables("-I", out));
            undo.add(() -> NetworkNamespace.run(iptables("-D", out)));
            String[] in = {"OUTPUT", "-o", ns.innerLink, "-p", "udp", "-m", "statistic", "--mode", "random",
                    "--probability", probability, "-j", "DROP"};
            ns.exec(iptables("-I", in));
            undo.add(() -> ns.exec(iptables("-D", in)));
            method = "iptables statistic random " + p + " UDP drop on both veth ends (no netem in this kernel)";
        }
    }

    /** Loses {@code percent} % of the packets leaving either end of the namespace's link. */
    public static PacketLoss apply(NetworkNamespace ns, int percent) {
        return new PacketLoss(ns, percent);
    }

    public String method() {
        return method;
    }

    private static String[] iptables(String op, String[] rule) {
        String[] cmd = new String[rule.length + 2];
        cmd[0] = "iptables";
        cmd[1] = op;
        System.arraycopy(rule, 0, cmd, 2, rule.length);
        return cmd;
    }

    /** Lifts the loss: our host's OUTPUT chain outlives the namespace, so this must run even if a test failed. */
    @Override
    public void close() {
        for (Runnable r : undo) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // the link or namespace is gone already
            }
        }
        undo.clear();
    }
}
