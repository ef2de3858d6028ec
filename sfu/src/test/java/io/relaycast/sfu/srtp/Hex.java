package io.relaycast.sfu.srtp;

import java.util.HexFormat;

/** Hex helpers for test vectors; whitespace in vectors is ignored so they can be laid out like the RFCs. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String hex(byte[] buf, int off, int len) {
        return HexFormat.of().formatHex(buf, off, off + len);
    }
}
