package io.relaycast.rtmp.media;

/**
 * The AudioSpecificConfig of an FLV AAC sequence header (ISO/IEC 14496-3 section 1.6.2.1), reduced to what an ADTS
 * header needs (ISO/IEC 13818-7 section 6.2): object type, sampling frequency index, channel configuration.
 */
public record AacConfig(int objectType, int frequencyIndex, int channels) {
    public static final int ADTS_HEADER = 7;

    /** Null when the config is too short or uses what ADTS cannot express (explicit frequency, escape types). */
    public static AacConfig parse(byte[] d, int off, int len) {
        if (len < 2) {
            return null;
        }
        int objectType = (d[off] & 0xFF) >>> 3;
        int freq = ((d[off] & 0x07) << 1) | ((d[off + 1] & 0x80) >>> 7);
        int channels = (d[off + 1] & 0x78) >>> 3;
        if (objectType == 0 || objectType == 31 || freq > 12 || channels == 0 || channels > 7) {
            return null;
        }
        // HE-AAC (5, 29) keeps an AAC-LC core that ADTS carries with implicit SBR signalling
        int adtsType = objectType == 5 || objectType == 29 ? 2 : Math.min(objectType, 4);
        return new AacConfig(adtsType, freq, channels);
    }

    /** Writes the 7-octet ADTS header (no CRC) of a raw frame of {@code rawLength} octets. */
    public void writeAdtsHeader(byte[] out, int off, int rawLength) {
        int frameLength = ADTS_HEADER + rawLength;
        out[off] = (byte) 0xFF;
        out[off + 1] = (byte) 0xF1; // MPEG-4, layer 0, protection absent
        out[off + 2] = (byte) (((objectType - 1) << 6) | (frequencyIndex << 2) | (channels >>> 2));
        out[off + 3] = (byte) (((channels & 3) << 6) | (frameLength >>> 11));
        out[off + 4] = (byte) (frameLength >>> 3);
        out[off + 5] = (byte) (((frameLength & 7) << 5) | 0x1F); // buffer fullness 0x7FF: variable bitrate
        out[off + 6] = (byte) 0xFC;
    }
}
