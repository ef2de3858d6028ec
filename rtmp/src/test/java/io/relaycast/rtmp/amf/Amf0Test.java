package io.relaycast.rtmp.amf;

import io.relaycast.rtmp.chunk.RtmpProtocolException;
import org.testng.annotations.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.fail;

public class Amf0Test {
    @Test
    public void aConnectCommandRoundTrips() throws Exception {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", "live");
        o.put("tcUrl", "rtmp://127.0.0.1/live");
        o.put("fpad", false);
        o.put("audioCodecs", 3191.0);
        List<Object> v = Amf0.readAll(Amf0.write("connect", 1.0, o, null));
        assertEquals(v.get(0), "connect");
        assertEquals(v.get(1), 1.0);
        assertEquals(v.get(2), o);
        assertEquals(v.size(), 4);
    }

    @Test
    public void truncatedValuesAreProtocolErrors() {
        byte[] full = Amf0.write("publish", 5.0, null, "rk_key", "live");
        for (int cut = 1; cut < full.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            try {
                Amf0.readAll(part);
            } catch (RtmpProtocolException expected) {
                continue;
            }
            // some cuts land between values: then what was read is a prefix of the values
        }
        assertThrows(RtmpProtocolException.class, () -> Amf0.readAll(new byte[] {2, 0, 10, 'a'}));
        assertThrows(RtmpProtocolException.class, () -> Amf0.readAll(new byte[] {0x11}));
    }

    @Test
    public void deepNestingIsRefused() {
        byte[] deep = new byte[200];
        java.util.Arrays.fill(deep, (byte) 10); // strict arrays in strict arrays...
        assertThrows(RtmpProtocolException.class, () -> Amf0.readAll(new byte[] {10, 0, 0, 0, 1, 10, 0, 0, 0, 1,
                10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1,
                10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1,
                10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 10, 0, 0, 0, 1, 5}));
    }

    @Test
    public void randomGarbageIsAProtocolErrorOrValues() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            try {
                Amf0.readAll(b);
            } catch (RtmpProtocolException expected) {
                // refused
            } catch (RuntimeException e) {
                fail("garbage escaped as " + e, e);
            }
        }
    }
}
