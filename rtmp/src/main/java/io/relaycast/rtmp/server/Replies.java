package io.relaycast.rtmp.server;

import io.relaycast.rtmp.amf.Amf0;
import io.relaycast.rtmp.chunk.RtmpMessage;

import java.util.LinkedHashMap;
import java.util.Map;

/** The AMF0 command replies the server sends (RTMP 1.0 section 7.2: _result, _error, onStatus info objects). */
final class Replies {
    private Replies() {
    }

    /** A command message: name, transaction id, then the arguments. */
    static RtmpMessage command(int streamId, String name, double txn, Object... args) {
        Object[] all = new Object[args.length + 2];
        all[0] = name;
        all[1] = txn;
        System.arraycopy(args, 0, all, 2, args.length);
        return new RtmpMessage(RtmpMessage.COMMAND_AMF0, streamId, 0, Amf0.write(all));
    }

    /** An info object: level (status or error), code (NetStream.Publish.Start, ...) and a description. */
    static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description);
        return m;
    }
}
