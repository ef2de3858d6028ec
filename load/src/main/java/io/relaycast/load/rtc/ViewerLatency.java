package io.relaycast.load.rtc;

import io.relaycast.sfu.srtp.SrtpSession;

import java.nio.ByteBuffer;

/**
 * Publisher send → viewer receive, read by a viewer on its reactor thread, two ways: the abs-send-time header
 * extension (in the clear in SRTP, so every counting viewer reads it; our SFU forwards the publisher's value), and
 * the payload stamp (the last 8 octets of every video payload, {@link Pacer}; it needs decryption, so only the
 * stamp viewers read it, and it is the only end-to-end clock through Janus, which writes its own abs-send-time).
 */
public final class ViewerLatency {
    private ViewerLatency() {
    }

    /** RFC 8285 one-byte elements starting at {@code at}: find abs-send-time {@code id} and record its age. */
    public static void absSendTime(ByteBuffer in, int at, int len, int id, Histogram into) {
        if ((in.getShort(at) & 0xFFFF) != 0xBEDE) {
            return;
        }
        int end = at + 4 + 4 * (in.getShort(at + 2) & 0xFFFF);
        if (end > len) {
            return;
        }
        int i = at + 4;
        while (i < end) {
            int h = in.get(i) & 0xFF;
            if (h == 0) {
                i++;
                continue;
            }
            int elementId = h >>> 4;
            int l = (h & 0x0F) + 1;
            if (elementId == 15) {
                return;
            }
            if (elementId == id && l == 3 && i + 4 <= end) {
                int sent = ((in.get(i + 1) & 0xFF) << 16) | ((in.get(i + 2) & 0xFF) << 8) | (in.get(i + 3) & 0xFF);
                into.record(AbsSendTime.elapsedMicros(sent, System.nanoTime()));
                return;
            }
            i += 1 + l;
        }
    }

    /**
     * Decrypts one SRTP video packet into {@code scratch} and records the age of its payload stamp. Returns false
     * only when the packet did not authenticate (no keys yet, a short or audio-sized payload: true, nothing
     * recorded).
     */
    public static boolean stamp(ByteBuffer in, int len, SrtpSession s, byte[] scratch, Histogram into) {
        if (s == null || len > scratch.length) {
            return true;
        }
        in.get(0, scratch, 0, len);
        int plain = s.unprotectRtp(scratch, 0, len);
        if (plain < 0) {
            return false;
        }
        int payload = payloadOffset(scratch, plain);
        if (payload < 0 || plain - payload < 16) {
            return true;
        }
        long sent = 0;
        for (int i = plain - 8; i < plain; i++) {
            sent = (sent << 8) | (scratch[i] & 0xFF);
        }
        into.record((System.nanoTime() - sent) / 1000);
        return true;
    }

    /** Where an RTP packet's payload starts (RFC 3550 section 5.1: CSRCs, then the extension block), or -1. */
    public static int payloadOffset(byte[] b, int len) {
        int at = 12 + 4 * (b[0] & 0x0F);
        if ((b[0] & 0x10) != 0) {
            if (at + 4 > len) {
                return -1;
            }
            at += 4 + 4 * (((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF));
        }
        return at <= len ? at : -1;
    }
}
