package io.relaycast.web.media;

import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a stream's owner sees of the SFU's measurements: the typed {@link StreamStats} without anything that
 * addresses a peer. No IP address or port (the debug state's selected ICE pair), and no peer id either: those are
 * the Socket.IO session id or the WHIP/WHEP resource, which are capabilities. Each viewer gets an opaque label
 * instead, stable for the life of the process (an HMAC of its peer id under a key drawn at start), so an owner
 * can follow one viewer from poll to poll.
 *
 * @param publisher null while nobody publishes on this node
 * @param viewers   every viewer of the stream on this node
 */
public record OwnerMediaStats(Publisher publisher, int viewerCount, List<Viewer> viewers) {

    /** {@link PublisherStats} without its peer id; the fields are documented there. */
    public record Publisher(long bitrateBps, double packetsPerSecond, long packetsLost, double lossPercent,
                            double jitterMs, Double rttMs, long nacksSent, long retransmissionsReceived,
                            long keyframeRequestsSent) {
        static Publisher of(PublisherStats p) {
            return new Publisher(p.bitrateBps(), p.packetsPerSecond(), p.packetsLost(), p.lossPercent(), p.jitterMs(),
                    p.rttMs(), p.nacksSent(), p.retransmissionsReceived(), p.keyframeRequestsSent());
        }
    }

    /** {@link ViewerStats} with an opaque {@code viewer} label in place of its peer id. */
    public record Viewer(String viewer, boolean receiving, long bitrateBps, double packetsPerSecond,
                         Double lossPercent, long packetsLost, Double jitterMs, Double rttMs, long nacksReceived,
                         long retransmissionsSent, long keyframeRequestsReceived, int layer, int targetLayer) {
        static Viewer of(String label, ViewerStats v) {
            return new Viewer(label, v.receiving(), v.bitrateBps(), v.packetsPerSecond(), v.lossPercent(),
                    v.packetsLost(), v.jitterMs(), v.rttMs(), v.nacksReceived(), v.retransmissionsSent(),
                    v.keyframeRequestsReceived(), v.layer(), v.targetLayer());
        }
    }

    /** Labels viewers for owners: HMAC-SHA256 of the peer id, 12 hex digits. */
    public static final class Labels {
        private final SecretKeySpec key;

        public Labels(byte[] key) {
            this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        }

        String of(String peerId) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                byte[] h = mac.doFinal(peerId.getBytes(StandardCharsets.UTF_8));
                return "v-" + HexFormat.of().formatHex(h, 0, 6);
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }
    }

    public static OwnerMediaStats of(StreamStats stats, Labels labels) {
        List<Viewer> viewers = new ArrayList<>(stats.viewers().size());
        for (ViewerStats v : stats.viewers()) {
            viewers.add(Viewer.of(labels.of(v.peerId()), v));
        }
        return new OwnerMediaStats(stats.publisher() == null ? null : Publisher.of(stats.publisher()), viewers.size(),
                List.copyOf(viewers));
    }
}
