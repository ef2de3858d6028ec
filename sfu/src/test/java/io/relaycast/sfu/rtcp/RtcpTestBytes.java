package io.relaycast.sfu.rtcp;

import java.util.HexFormat;

/** Hand-assembled RTCP packets shared by the rtcp tests, each laid out field by field. */
final class RtcpTestBytes {

    /** SR from SSRC 0x1234 with one report block about 0xDEADBEEF (cumulative lost -2). 52 bytes. */
    static final String SENDER_REPORT =
            "81C8000C" // V=2 RC=1 PT=200 length=12
            + "00001234" // sender SSRC
            + "E1234567" + "89ABCDEF" // NTP timestamp
            + "0001E240" // RTP timestamp 123456
            + "0000000A" // packet count 10
            + "000003E8" // octet count 1000
            + "DEADBEEF" // block: SSRC
            + "19FFFFFE" // fraction 25/256, cumulative lost -2
            + "00010005" // extended highest sequence number 65541
            + "00000020" // jitter 32
            + "B7052000" // LSR
            + "00054000"; // DLSR

    /** SDES with one chunk for SSRC 0x1234 holding CNAME "abc123xy". 20 bytes. */
    static final String SDES_CNAME = "81CA0004" + "00001234" + "0108" + "6162633132337879" + "0000";

    /** BYE for SSRC 0x1234 with reason "goodbye!". 20 bytes. */
    static final String BYE_WITH_REASON = "81CB0004" + "00001234" + "08" + "676F6F6462796521" + "000000";

    /** Generic NACK from 1 about 2: PID 100, BLP 0x8005 (100, 101, 103, 116 lost). */
    static final String NACK = "81CD0003" + "00000001" + "00000002" + "00648005";

    static final String PLI = "81CE0002" + "00000001" + "00000002";

    /** FIR from 1 asking 0x0A0B0C0D, sequence number 7. */
    static final String FIR = "84CE0004" + "00000001" + "00000000" + "0A0B0C0D" + "07000000";

    /** REMB from 1: one SSRC (0x22), exponent 2, mantissa 0x23D09 (586788 bps). */
    static final String REMB = "8FCE0005" + "00000001" + "00000000" + "52454D42" + "010A3D09" + "00000022";

    /** Transport-cc feedback: base 10, 5 statuses, reference time -2, feedback count 7, one chunk and deltas. */
    static final String TRANSPORT_CC = "8FCD0005" + "00000001" + "00000002" + "000A0005" + "FFFFFE07" + "20050408";

    private RtcpTestBytes() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
