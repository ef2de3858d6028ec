package io.relaycast.sfu.srtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.testng.annotations.Test;

public class SsrcTableTest {

    @Test
    public void behavesLikeAMapAcrossResizes() {
        SsrcTable<String> table = new SsrcTable<>(1000);
        Map<Integer, String> reference = new HashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            int ssrc = i % 2 == 0 ? i : random.nextInt(); // sequential and random SSRCs, incl. negatives
            if (reference.containsKey(ssrc)) {
                continue;
            }
            table.put(ssrc, "v" + ssrc);
            reference.put(ssrc, "v" + ssrc);
        }
        assertEquals(table.size(), reference.size());
        reference.forEach((k, v) -> assertEquals(table.get(k), v));
        assertNull(table.get(-7));
        int[] seen = {0};
        table.forEach(v -> seen[0]++);
        assertEquals(seen[0], reference.size());
    }

    @Test
    public void reportsFullAtTheCapAndClears() {
        SsrcTable<Object> table = new SsrcTable<>(3);
        table.put(0, "a");
        table.put(1, "b");
        assertFalse(table.isFull());
        table.put(2, "c");
        assertTrue(table.isFull());
        table.clear();
        assertEquals(table.size(), 0);
        assertNull(table.get(1));
    }
}
