package io.relaycast.web.media;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a file with HTTP range requests (RFC 9110 section 14): video players seek by asking for byte ranges.
 * One range per request (what players send); a multi-range request gets the whole file (the server may ignore
 * Range), a range that is malformed or starts past the end gets 416 with {@code Content-Range: bytes * /size}.
 */
public final class FileResponses {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private FileResponses() {
    }

    public static void serve(Context ctx, Path file, String contentType, String cacheControl) throws IOException {
        long size = Files.size(file);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", cacheControl);
        ctx.contentType(contentType);
        String range = ctx.header("Range");
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        if (range != null && !range.contains(",")) {
            Matcher m = RANGE.matcher(range.trim());
            long[] r = m.matches() ? resolve(m.group(1), m.group(2), size) : null;
            if (r == null) {
                ctx.status(416);
                ctx.header("Content-Range", "bytes */" + size);
                ctx.result("");
                return;
            }
            start = r[0];
            end = r[1];
            partial = true;
        }
        long length = end - start + 1;
        ctx.status(partial ? 206 : 200);
        if (partial) {
            ctx.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        ctx.header("Content-Length", Long.toString(length));
        if ("HEAD".equals(ctx.method().name())) {
            return;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(start);
        InputStream in = Channels.newInputStream(ch);
        ctx.result(new BoundedInput(in, length));
    }

    /** [start, end] of a satisfiable range, null otherwise. */
    static long[] resolve(String first, String last, long size) {
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(last); // the last N bytes
                if (suffix == 0 || size == 0) {
                    return null;
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size || end < start) {
                return null;
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null; // more digits than a long
        }
    }

    /** Stops after {@code remaining} bytes and closes the file with the response. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInput(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
