package io.relaycast.sfu;

import io.relaycast.sfu.api.MediaSocketStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.config.SocketBufferConfig;
import io.relaycast.sfu.dtls.DtlsHandshakePool;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.ice.IceHarvesters;
import io.relaycast.sfu.ice.IceSessions;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.srtp.SrtpCryptoSetup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Sfu} reports of itself: the {@code MediaPlane} stats (per stream, the shared port's socket) for
 * metrics and signaling, and the JSON-friendly debug dump of the whole media plane.
 * Read-only: it changes nothing it reports on.
 */
final class SfuStats {
    private final IceHarvesters harvesters;
    private final IceSessions sessions;
    private final DtlsHandshakePool handshakes;
    private final ForwardingWorkers<MediaPacket> forwarding;
    private final RoomRegistry rooms;
    private final SocketBufferConfig socketBuffers;

    SfuStats(IceHarvesters harvesters, IceSessions sessions, DtlsHandshakePool handshakes,
             ForwardingWorkers<MediaPacket> forwarding, RoomRegistry rooms, SocketBufferConfig socketBuffers) {
        this.harvesters = harvesters;
        this.sessions = sessions;
        this.handshakes = handshakes;
        this.forwarding = forwarding;
        this.rooms = rooms;
        this.socketBuffers = socketBuffers;
    }

    /** A room's debug state, or null when the stream has no room. */
    Map<String, Object> mediaStats(String streamId) {
        Room room = rooms.get(streamId);
        return room == null ? null : room.debugState();
    }

    MediaSocketStats socketStats() {
        return new MediaSocketStats(harvesters.port(), harvesters.receiveBufferBytes(),
                socketBuffers.receiveBytes(), harvesters.kernelDrops());
    }

    StreamStats streamStats(String streamId) {
        Room room = rooms.get(streamId);
        return room == null || room.isClosed() ? null : room.stats();
    }

    List<StreamStats> streamStats() {
        List<StreamStats> all = new ArrayList<>();
        for (Room room : rooms.all()) {
            if (!room.isClosed()) {
                all.add(room.stats());
            }
        }
        return all;
    }

    /** The port, ICE sessions, and every room with its peers; {@code open}: whether the SFU is still open. */
    Map<String, Object> debugState(boolean open) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("udpPort", harvesters.port());
        if (harvesters.tcp() != null) {
            m.put("iceTcp", harvesters.tcp().debugState());
        }
        m.put("open", open);
        m.put("iceSessions", sessions.size());
        m.put("dtlsHandshakesRunning", handshakes.running());
        m.put("dtlsHandshakesRefused", handshakes.refused());
        m.put("srtpBackend", String.valueOf(SrtpCryptoSetup.effective()));
        m.put("forwarding", forwarding.debugState());
        m.put("sendSockets", harvesters.sendSocketsState());
        Map<String, Object> all = new LinkedHashMap<>();
        for (Room room : rooms.all()) {
            all.put(room.streamId(), room.debugState());
        }
        m.put("rooms", all);
        return m;
    }
}
