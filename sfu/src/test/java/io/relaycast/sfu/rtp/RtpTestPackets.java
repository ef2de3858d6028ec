package io.relaycast.sfu.rtp;

import java.util.HexFormat;

/** Hand-assembled RTP packets shared by the rtp tests. */
final class RtpTestPackets {

    /** V=2, X=1, PT 96, seq 1, ts 100, SSRC 0x12345678; one-byte extension (id 1: AA; pad; id 3: BB CC); payload DE AD. */
    static final String ONE_BYTE_EXTENSION =
            "90600001" + "00000064" + "12345678" + "BEDE0002" + "10AA0031" + "BBCC0000" + "DEAD";

    /** Same header, two-byte extension: id 1 with no data, id 5 with 11 22 33, one padding byte; payload DE AD. */
    static final String TWO_BYTE_EXTENSION =
            "90600001" + "00000064" + "12345678" + "10000002" + "01000503" + "11223300" + "DEAD";

    private RtpTestPackets() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** A plain packet: fixed header plus {@code payloadLength} bytes of 0x55. */
    static byte[] simple(int payloadType, int seq, long timestamp, long ssrc, int payloadLength) {
        byte[] packet = new byte[RtpHeaderReader.FIXED_HEADER_LENGTH + payloadLength];
        RtpHeaderWriter.writeFixedHeader(packet, 0, false, payloadType, seq, timestamp, ssrc);
        for (int i = RtpHeaderReader.FIXED_HEADER_LENGTH; i < packet.length; i++) {
            packet[i] = 0x55;
        }
        return packet;
    }
}
