package io.relaycast.sfu.srtp;

import java.util.function.Consumer;

/**
 * SSRC → crypto context map keyed by primitive {@code int}, so a lookup on the packet path boxes nothing
 * (a {@code HashMap<Integer, …>} would allocate an {@code Integer} for most SSRC values).
 *
 * <p>Open addressing with linear probing, at most half full. Not thread-safe: {@link SrtpSession} only touches
 * a table under that table's own monitor. Entries are never removed one by one; a stream that stops simply
 * stays until the session closes, which is bounded by {@code maxSize}.
 */
final class SsrcTable<C> {
    private final int maxSize;
    private int[] keys;
    private Object[] values;
    private int size;

    SsrcTable(int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be positive");
        }
        this.maxSize = maxSize;
        this.keys = new int[16];
        this.values = new Object[16];
    }

    @SuppressWarnings("unchecked")
    C get(int ssrc) {
        int mask = keys.length - 1;
        for (int i = slot(ssrc, mask); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == ssrc) {
                return (C) v;
            }
        }
    }

    boolean isFull() {
        return size >= maxSize;
    }

    int size() {
        return size;
    }

    /** Adds a context for an SSRC not yet present; the caller checked {@link #get} and {@link #isFull}. */
    void put(int ssrc, C context) {
        if (context == null) {
            throw new NullPointerException("context");
        }
        if (2 * (size + 1) > keys.length) {
            resize(keys.length * 2);
        }
        insert(keys, values, ssrc, context);
        size++;
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<C> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((C) v);
            }
        }
    }

    void clear() {
        keys = new int[16];
        values = new Object[16];
        size = 0;
    }

    private void resize(int capacity) {
        int[] newKeys = new int[capacity];
        Object[] newValues = new Object[capacity];
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                insert(newKeys, newValues, keys[i], values[i]);
            }
        }
        keys = newKeys;
        values = newValues;
    }

    private static void insert(int[] keys, Object[] values, int ssrc, Object value) {
        int mask = keys.length - 1;
        int i = slot(ssrc, mask);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = ssrc;
        values[i] = value;
    }

    private static int slot(int ssrc, int mask) {
        // Fibonacci hashing: SSRCs are random but test and simulcast SSRCs are often sequential.
        return (ssrc * 0x9E3779B9 >>> 16) & mask;
    }
}
