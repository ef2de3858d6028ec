package io.relaycast.sfu.ice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Datagrams the kernel dropped on our UDP media port because the socket's receive buffer was full (or memory was
 * short): the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6} (Linux; the counter
 * {@code sk_drops} of each socket), summed over the sockets this process holds on the port. Java has no
 * SO_RXQ_OVFL, so /proc it is; elsewhere the count is unavailable (-1).
 *
 * <p>Our sockets are told apart from other processes' on the same port by inode: the {@code socket:[inode]} links
 * in {@code /proc/self/fd}, read once when the port is bound (ice4j's sockets on it live as long as the SFU).
 */
public final class UdpKernelDrops {
    private static final Logger LOG = LoggerFactory.getLogger(UdpKernelDrops.class);
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final int port;
    private final Set<Long> inodes;
    private final List<Path> tables;

    private UdpKernelDrops(int port, Set<Long> inodes, List<Path> tables) {
        this.port = port;
        this.inodes = inodes;
        this.tables = tables;
    }

    /** The sockets of this process bound to {@code port} now; call once the port is bound. */
    public static UdpKernelDrops forPort(int port) {
        Set<Long> own = ownSocketInodes(Path.of("/proc/self/fd"));
        Set<Long> onPort = new HashSet<>();
        for (Path table : TABLES) {
            for (Row row : rows(table)) {
                if (row.localPort == port && own.contains(row.inode)) {
                    onPort.add(row.inode);
                }
            }
        }
        if (onPort.isEmpty()) {
            LOG.info("no /proc/net/udp entry of ours on port {}: kernel drops are not counted", port);
        }
        return new UdpKernelDrops(port, Set.copyOf(onPort), TABLES);
    }

    /** Datagrams dropped so far on our sockets of the port, or -1 when /proc cannot tell. */
    public long drops() {
        if (inodes.isEmpty()) {
            return -1;
        }
        long sum = 0;
        boolean seen = false;
        for (Path table : tables) {
            for (Row row : rows(table)) {
                if (row.localPort == port && inodes.contains(row.inode)) {
                    sum += row.drops;
                    seen = true;
                }
            }
        }
        return seen ? sum : -1;
    }

    /** How many of our sockets share the port (ice4j's send pool binds several). */
    public int sockets() {
        return inodes.size();
    }

    record Row(int localPort, long inode, long drops) {
    }

    /**
     * One table, e.g. {@code "  12: 0100007F:2710 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000 0
     * 123456 2 0000000000000000 0"}: local address:port in hex, ..., uid, timeout, inode, refs, pointer, drops.
     */
    static List<Row> rows(Path table) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException | UnsupportedOperationException e) {
            return List.of();
        }
        return parse(lines);
    }

    static List<Row> parse(List<String> lines) {
        java.util.ArrayList<Row> out = new java.util.ArrayList<>();
        for (int i = 1; i < lines.size(); i++) { // line 0 is the header
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 13) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            try {
                int localPort = Integer.parseInt(f[1].substring(colon + 1), 16);
                long inode = Long.parseLong(f[9]);
                long drops = Long.parseLong(f[12]);
                out.add(new Row(localPort, inode, drops));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // a line of a format we do not know: skip it, count nothing from it
            }
        }
        return out;
    }

    static Set<Long> ownSocketInodes(Path fdDir) {
        Set<Long> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        out.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile, or not a socket
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Set.of();
        }
        return out;
    }
}
