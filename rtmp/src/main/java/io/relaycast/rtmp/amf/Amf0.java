package io.relaycast.rtmp.amf;

import io.relaycast.rtmp.chunk.RtmpProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 (Adobe's Action Message Format 0 specification), as RTMP commands and data messages carry it. Values map
 * to Java as: number → Double, boolean → Boolean, string → String, object and ECMA array → Map, strict array →
 * List, null and undefined → null. Reading is bounded by the message (already size-limited) and by a nesting depth.
 */
public final class Amf0 {
    static final int NUMBER = 0;
    static final int BOOLEAN = 1;
    static final int STRING = 2;
    static final int OBJECT = 3;
    static final int NULL = 5;
    static final int UNDEFINED = 6;
    static final int ECMA_ARRAY = 8;
    static final int OBJECT_END = 9;
    static final int STRICT_ARRAY = 10;
    static final int DATE = 11;
    static final int LONG_STRING = 12;
    private static final int MAX_DEPTH = 16;

    private Amf0() {
    }

    /** Every value in {@code data}, in order. */
    public static List<Object> readAll(byte[] data) throws RtmpProtocolException {
        Reader r = new Reader(data);
        List<Object> values = new ArrayList<>();
        while (r.pos < data.length) {
            values.add(r.value(0));
        }
        return values;
    }

    private static final class Reader {
        private final byte[] d;
        private int pos;

        Reader(byte[] d) {
            this.d = d;
        }

        private void need(int n) throws RtmpProtocolException {
            if (n < 0 || d.length - pos < n) {
                throw new RtmpProtocolException("AMF0 value runs past the end of the message");
            }
        }

        private int u8() throws RtmpProtocolException {
            need(1);
            return d[pos++] & 0xFF;
        }

        private int u16() throws RtmpProtocolException {
            need(2);
            int v = ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        private long u32() throws RtmpProtocolException {
            need(4);
            long v = ((long) (d[pos] & 0xFF) << 24) | ((d[pos + 1] & 0xFF) << 16) | ((d[pos + 2] & 0xFF) << 8)
                    | (d[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        private String utf8(long n) throws RtmpProtocolException {
            if (n > d.length) {
                throw new RtmpProtocolException("AMF0 string runs past the end of the message");
            }
            need((int) n);
            String s = new String(d, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        Object value(int depth) throws RtmpProtocolException {
            if (depth > MAX_DEPTH) {
                throw new RtmpProtocolException("AMF0 nested deeper than " + MAX_DEPTH);
            }
            int marker = u8();
            switch (marker) {
                case NUMBER -> {
                    need(8);
                    long bits = 0;
                    for (int i = 0; i < 8; i++) {
                        bits = (bits << 8) | (d[pos++] & 0xFF);
                    }
                    return Double.longBitsToDouble(bits);
                }
                case BOOLEAN -> {
                    return u8() != 0;
                }
                case STRING -> {
                    return utf8(u16());
                }
                case LONG_STRING -> {
                    return utf8(u32());
                }
                case OBJECT -> {
                    return properties(depth);
                }
                case ECMA_ARRAY -> {
                    u32(); // the count is advisory; the end marker ends it
                    return properties(depth);
                }
                case STRICT_ARRAY -> {
                    long n = u32();
                    if (n > d.length - pos) {
                        throw new RtmpProtocolException("AMF0 strict array longer than the message");
                    }
                    List<Object> list = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        list.add(value(depth + 1));
                    }
                    return list;
                }
                case DATE -> {
                    need(10);
                    pos += 10;
                    return null;
                }
                case NULL, UNDEFINED -> {
                    return null;
                }
                default -> throw new RtmpProtocolException("unsupported AMF0 marker " + marker);
            }
        }

        private Map<String, Object> properties(int depth) throws RtmpProtocolException {
            Map<String, Object> m = new LinkedHashMap<>();
            while (true) {
                String key = utf8(u16());
                if (key.isEmpty()) {
                    if (u8() != OBJECT_END) {
                        throw new RtmpProtocolException("AMF0 object without its end marker");
                    }
                    return m;
                }
                m.put(key, value(depth + 1));
            }
        }
    }

    /** Writes values: Number, Boolean, String, Map (as object), null. */
    public static byte[] write(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            writeValue(out, v);
        }
        return out.toByteArray();
    }

    private static void writeValue(ByteArrayOutputStream out, Object v) {
        if (v == null) {
            out.write(NULL);
        } else if (v instanceof Number n) {
            out.write(NUMBER);
            long bits = Double.doubleToLongBits(n.doubleValue());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (8 * i)));
            }
        } else if (v instanceof Boolean b) {
            out.write(BOOLEAN);
            out.write(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.write(STRING);
            writeUtf8(out, s);
        } else if (v instanceof Map<?, ?> m) {
            out.write(OBJECT);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                writeUtf8(out, String.valueOf(e.getKey()));
                writeValue(out, e.getValue());
            }
            out.write(0);
            out.write(0);
            out.write(OBJECT_END);
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + v.getClass());
        }
    }

    private static void writeUtf8(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
    }
}
