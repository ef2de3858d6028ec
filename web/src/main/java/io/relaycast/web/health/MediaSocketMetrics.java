package io.relaycast.web.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.MediaSocketStats;

/**
 * The media port's kernel counters as metrics: {@code relaycast_media_udp_kernel_drops_total} (datagrams the kernel
 * dropped because the receive buffer was full; a rise means raise {@code socket-receive-buffer} and
 * net.core.rmem_max, or the SFU is short of CPU) and {@code relaycast_media_udp_receive_buffer_bytes}. Read on
 * scrape from {@link MediaPlane#socketStats()}; absent media plane or platform: NaN.
 */
public final class MediaSocketMetrics {
    private MediaSocketMetrics() {
    }

    public static void bind(MeterRegistry registry, MediaPlane media) {
        FunctionCounter.builder("relaycast.media.udp.kernel.drops", media, m -> drops(m.socketStats()))
                .description("UDP datagrams the kernel dropped on the shared media port (receive buffer full)")
                .register(registry);
        Gauge.builder("relaycast.media.udp.receive.buffer", media, m -> buffer(m.socketStats()))
                .baseUnit("bytes")
                .description("SO_RCVBUF of the shared media port as the kernel granted it")
                .register(registry);
    }

    private static double drops(MediaSocketStats s) {
        return s == null || s.kernelDrops() < 0 ? Double.NaN : s.kernelDrops();
    }

    private static double buffer(MediaSocketStats s) {
        return s == null || s.receiveBufferBytes() < 0 ? Double.NaN : s.receiveBufferBytes();
    }
}
