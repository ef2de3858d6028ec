package io.relaycast.sfu.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code relaycast.media.socket-receive-buffer} / {@code socket-send-buffer}: the kernel buffers (SO_RCVBUF,
 * SO_SNDBUF) asked for on the media sockets. Linux's UDP default (net.core.rmem_default, about 208 KiB of
 * accounting, some 100 KB of payload) holds a few hundred packets: one scheduling hiccup of the read thread on a busy
 * machine and the kernel drops the rest. The kernel grants at most net.core.rmem_max / wmem_max (socket(7)), so an
 * operator raises those (sysctl) to get what is asked for here; the SFU logs what it got at start.
 *
 * @param receiveBytes SO_RCVBUF to ask for; 0 leaves the kernel default
 * @param sendBytes    SO_SNDBUF to ask for; 0 leaves the kernel default
 */
public record SocketBufferConfig(int receiveBytes, int sendBytes) {
    public static final int DEFAULT_RECEIVE_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_SEND_BYTES = 1024 * 1024;
    public static final SocketBufferConfig DEFAULTS = new SocketBufferConfig(DEFAULT_RECEIVE_BYTES, DEFAULT_SEND_BYTES);
    /** Asks for nothing: the kernel's defaults. */
    public static final SocketBufferConfig KERNEL_DEFAULTS = new SocketBufferConfig(0, 0);

    private static final long MIN = 64 * 1024;
    private static final long MAX = 512L * 1024 * 1024;

    public SocketBufferConfig {
        if (receiveBytes < 0 || sendBytes < 0) {
            throw new IllegalArgumentException("socket buffer sizes must not be negative");
        }
    }

    /** Reads the two keys of the {@code relaycast.media} section; a missing key takes its default. */
    public static SocketBufferConfig from(Config media) {
        return new SocketBufferConfig(size(media, "socket-receive-buffer", DEFAULT_RECEIVE_BYTES),
                size(media, "socket-send-buffer", DEFAULT_SEND_BYTES));
    }

    private static int size(Config c, String key, int fallback) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        long bytes = c.getBytes(key);
        if (bytes != 0 && (bytes < MIN || bytes > MAX)) {
            throw new ConfigException.BadValue(c.origin(), key, "must be 0 (kernel default) or 64KiB-512MiB, was "
                    + bytes + " bytes");
        }
        return (int) bytes;
    }
}
