package io.relaycast.rtmp.chunk;

/**
 * One reassembled RTMP message (RTMP 1.0 section 6.1): its type, message stream, timestamp (ms, 32 bits wrapping)
 * and payload.
 */
public record RtmpMessage(int typeId, int streamId, long timestamp, byte[] payload) {

    // RTMP 1.0 section 5.4 (protocol control), 6.2 (user control), 7.1 (command, data, audio, video)
    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;
}
