package io.relaycast.sfu.sdp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns text into {@code <type>=<value>} lines with their line numbers, enforcing the size limit first.
 * Accepts CRLF or bare LF (RFC 8866 section 5 asks parsers to be tolerant of LF) and skips empty lines,
 * which some tools leave at the end.
 */
final class SdpLineReader {

    /** A line and its 1-based position in the text, for error messages. */
    record NumberedLine(int number, SdpLine line) {
        String where() {
            return "line " + number + " " + SdpSyntax.quote(line.toString());
        }
    }

    private SdpLineReader() {
    }

    /** Prefixes a failure with its line; attribute parsers already quote the line, so then only its number. */
    static SdpException atLine(SdpException e, NumberedLine numbered) {
        String message = e.getMessage();
        String prefix = message.contains(SdpSyntax.quote(numbered.line().toString()))
                ? "line " + numbered.number() + ": "
                : numbered.where() + ": ";
        return new SdpException(e.errorCode(), prefix + message);
    }

    static String decode(byte[] utf8, SdpLimits limits) throws SdpException {
        if (utf8.length > limits.maxBytes()) {
            throw tooLarge(utf8.length, limits);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw SdpException.malformed("SDP is not valid UTF-8 (RFC 8866 section 5)");
        }
    }

    static List<NumberedLine> read(String text, SdpLimits limits) throws SdpException {
        checkSize(text, limits);
        List<NumberedLine> lines = new ArrayList<>();
        int number = 0;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            number++;
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String raw = text.substring(start, stop);
            start = end + 1;
            if (raw.isEmpty()) {
                continue;
            }
            lines.add(new NumberedLine(number, toLine(raw, number)));
        }
        if (lines.isEmpty()) {
            throw SdpException.malformed("SDP is empty");
        }
        return lines;
    }

    private static SdpLine toLine(String raw, int number) throws SdpException {
        char type = raw.charAt(0);
        if (raw.length() < 2 || raw.charAt(1) != '=' || type < 'a' || type > 'z') {
            throw SdpException.malformed("line " + number + " " + SdpSyntax.quote(raw)
                    + " is not <type>=<value> (RFC 8866 section 5)");
        }
        for (int i = 2; i < raw.length(); i++) {
            char c = raw.charAt(i);
            // RFC 8866 section 9: byte-string excludes NUL, CR and LF; we also refuse other controls but TAB.
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw SdpException.malformed("line " + number + " " + SdpSyntax.quote(raw)
                        + " contains a control character");
            }
        }
        return new SdpLine(type, raw.substring(2));
    }

    private static void checkSize(String text, SdpLimits limits) throws SdpException {
        // UTF-8 needs at least one byte per char, so a long string fails before we count bytes.
        if (text.length() > limits.maxBytes()) {
            throw tooLarge(text.length(), limits);
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        if (bytes > limits.maxBytes()) {
            throw tooLarge(bytes, limits);
        }
    }

    private static SdpException tooLarge(long bytes, SdpLimits limits) {
        return new SdpException(SdpErrorCode.SDP_TOO_LARGE,
                "SDP is at least " + bytes + " bytes; the limit is " + limits.maxBytes() + " bytes");
    }
}
