package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Small lexical helpers shared by the attribute parsers. Numbers are parsed by hand on ASCII digits only:
 * {@link Integer#parseInt} would accept other Unicode digits, which are not SDP (RFC 8866 section 9 uses DIGIT).
 */
final class SdpSyntax {

    private SdpSyntax() {
    }

    /** Splits on single or repeated spaces/tabs; browsers emit single spaces, tolerating more costs nothing. */
    static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && isBlank(value.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isBlank(value.charAt(i))) {
                i++;
            }
            if (i > start) {
                words.add(value.substring(start, i));
            }
        }
        return words;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses a decimal number in [min, max], or fails naming {@code what} and the context (usually a line). */
    static long number(String s, long min, long max, String what, String context) throws SdpException {
        // 19 digits can overflow a long; no SDP number we read needs more than 10.
        if (!isDigits(s) || s.length() > 18) {
            throw SdpException.malformed(what + " is not a number in " + context);
        }
        long value = Long.parseLong(s);
        if (value < min || value > max) {
            throw SdpException.malformed(what + " " + value + " is out of range [" + min + ", " + max + "] in " + context);
        }
        return value;
    }

    static int integer(String s, int min, int max, String what, String context) throws SdpException {
        return (int) number(s, min, max, what, context);
    }

    /** RFC 8866 token: printable ASCII except a few separators. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+' || c == '-' || c == '.'
                    || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Printable ASCII without spaces (for addresses, URIs and extension values). */
    static boolean isVisible(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/". */
    static boolean isIceChars(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The text quoted in error messages, cut so a 60 KiB line does not end up in a log. */
    static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        StringBuilder sb = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < ' ' || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
