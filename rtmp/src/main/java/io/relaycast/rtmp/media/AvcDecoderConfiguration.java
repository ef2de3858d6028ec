package io.relaycast.rtmp.media;

import java.util.ArrayList;
import java.util.List;

/**
 * The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 section 5.2.4.1) an FLV AVC sequence header carries: the
 * NAL length size of the frames that follow, and the SPS and PPS NAL units.
 */
public record AvcDecoderConfiguration(int nalLengthSize, List<byte[]> sps, List<byte[]> pps) {

    /** Null when {@code data[off..off+len)} is not a valid record (its SPS and PPS must be NAL types 7 and 8). */
    public static AvcDecoderConfiguration parse(byte[] data, int off, int len) {
        int end = off + len;
        if (len < 7 || data[off] != 1) {
            return null; // configurationVersion must be 1
        }
        int lengthSize = (data[off + 4] & 0x03) + 1;
        if (lengthSize == 3) {
            return null; // 1, 2 or 4 only
        }
        int p = off + 5;
        List<byte[]> sps = new ArrayList<>();
        int nSps = data[p++] & 0x1F;
        for (int i = 0; i < nSps; i++) {
            byte[] nal = unit(data, p, end);
            if (nal == null || (nal[0] & 0x1F) != 7) {
                return null; // not an SPS: sent in front of IDRs, a NAL of another type (28: FU-A) would corrupt them
            }
            sps.add(nal);
            p += 2 + nal.length;
        }
        if (p >= end) {
            return null;
        }
        List<byte[]> pps = new ArrayList<>();
        int nPps = data[p++] & 0xFF;
        for (int i = 0; i < nPps; i++) {
            byte[] nal = unit(data, p, end);
            if (nal == null || (nal[0] & 0x1F) != 8) {
                return null; // not a PPS
            }
            pps.add(nal);
            p += 2 + nal.length;
        }
        if (sps.isEmpty() || pps.isEmpty()) {
            return null;
        }
        return new AvcDecoderConfiguration(lengthSize, List.copyOf(sps), List.copyOf(pps));
    }

    private static byte[] unit(byte[] data, int p, int end) {
        if (end - p < 2) {
            return null;
        }
        int n = ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
        if (n == 0 || end - p - 2 < n) {
            return null;
        }
        byte[] nal = new byte[n];
        System.arraycopy(data, p + 2, nal, 0, n);
        return nal;
    }

    /** RFC 6184 section 8.1 sprop-parameter-sets: every SPS and PPS in base64, comma-separated. */
    public String spropParameterSets() {
        StringBuilder b = new StringBuilder();
        for (byte[] nal : sps) {
            b.append(b.length() == 0 ? "" : ",").append(java.util.Base64.getEncoder().encodeToString(nal));
        }
        for (byte[] nal : pps) {
            b.append(',').append(java.util.Base64.getEncoder().encodeToString(nal));
        }
        return b.toString();
    }

    /** The source's profile-level-id (RFC 6184 section 8.1: profile_idc, constraint flags, level_idc of the SPS). */
    public String profileLevelId() {
        byte[] s = sps.get(0);
        return s.length < 4 ? "" : String.format("%02x%02x%02x", s[1] & 0xFF, s[2] & 0xFF, s[3] & 0xFF);
    }
}
