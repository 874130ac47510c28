package io.casetrail.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One client's HTTP/1.1 connection, kept alive, used by one thread: a request written whole, its answer read on the
 * same thread. The JDK's {@code HttpClient} hands every exchange to its selector thread and back through futures;
 * on two cores shared with the server those hops cost about as much CPU as the server spends on a small request,
 * CPU the server under test then does not have. This client costs a write and a read or two. {@link NioHttp} drives
 * many such connections from a few threads, with a selector each.
 *
 * <p>It reads what these benchmarks are answered with ({@link #parse}); the body is read and dropped. A connection
 * the server closes, or any failure, is opened again for the next request.
 */
final class SocketHttp implements AutoCloseable {

    /** An answer: its status and its {@code Location} header, if any. */
    record Answer(int status, String location) {
    }

    /** An answer read whole from the start of a buffer: it, its length in bytes, and whether the server closes. */
    record Parsed(Answer answer, int length, boolean closes) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    /** What has been read of the answer so far: {@code received[0, filled)}. */
    private byte[] received = new byte[16_384];
    private int filled;

    SocketHttp(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /** The head of a request: {@code "<method> <path>"} and its header lines, each ending in CRLF. */
    static byte[] head(String method, String path, String headers, int contentLength) {
        String text = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A request's head and body (null for none) as one array: written in one write. */
    static byte[] whole(byte[] head, byte[] body) {
        if (body == null || body.length == 0) {
            return head;
        }
        byte[] whole = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    /** Sends a request (its head and body, if any) and reads the whole answer. */
    Answer exchange(byte[] head, byte[] body) throws IOException {
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                socket.connect(new InetSocketAddress(host, port), 5_000);
                out = socket.getOutputStream();
                in = socket.getInputStream();
            }
            out.write(whole(head, body));
            out.flush();
            filled = 0;
            Parsed parsed;
            while ((parsed = parse(received, filled)) == null) {
                if (filled == received.length) {
                    received = Arrays.copyOf(received, received.length * 2);
                }
                int n = in.read(received, filled, received.length - filled);
                if (n < 0) {
                    throw new IOException("the connection ended inside an answer");
                }
                filled += n;
            }
            if (parsed.closes() || parsed.length() != filled) {
                close(); // a closing server, or bytes after the answer that no request asked for
            }
            return parsed.answer();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The answer at the start of {@code bytes[0, length)}, or null while it is not all there: a status line, headers,
     * then a body of {@code Content-Length} bytes or chunked. A 1xx, 204 or 304 answer has none. Any other answer with
     * neither has its body to the connection's end: it is taken as read at its head, and the connection as closing.
     *
     * @throws IOException what was read is not an HTTP/1.1 answer (a status, a length or a chunk's size not a number
     *                     included)
     */
    static Parsed parse(byte[] bytes, int length) throws IOException {
        int headEnd = indexOf(bytes, 0, length, "\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String status = lines[0];
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = number(status.substring(9, 12), 10);
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = false;
        String location = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                throw new IOException("a header line without a colon: " + lines[i]);
            }
            String value = lines[i].substring(colon + 1).trim();
            switch (lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT)) {
                case "content-length" -> contentLength = number(value, 10);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = java.util.Arrays.stream(value.split(","))
                        .anyMatch(token -> token.trim().equalsIgnoreCase("close"));
                case "location" -> location = value;
                default -> {
                }
            }
        }
        Answer answer = new Answer(code, location);
        int body = headEnd + 4;
        if (code / 100 == 1 || code == 204 || code == 304) {
            return new Parsed(answer, body, closes);
        }
        if (chunked) {
            int end = chunkedEnd(bytes, body, length);
            return end < 0 ? null : new Parsed(answer, end, closes);
        }
        if (contentLength >= 0) {
            return body + contentLength > length ? null : new Parsed(answer, (int) (body + contentLength), closes);
        }
        return new Parsed(answer, body, true);
    }

    /** Where a chunked body starting at {@code at} ends (its trailers included), or -1 while it is not all there. */
    private static int chunkedEnd(byte[] bytes, int at, int length) throws IOException {
        while (true) {
            int lineEnd = indexOf(bytes, at, length, "\r\n");
            if (lineEnd < 0) {
                return -1;
            }
            String sizeLine = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int extension = sizeLine.indexOf(';');
            long size = number((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            at = lineEnd + 2;
            if (size == 0) {
                while (true) { // trailers, up to an empty line
                    int trailerEnd = indexOf(bytes, at, length, "\r\n");
                    if (trailerEnd < 0) {
                        return -1;
                    }
                    if (trailerEnd == at) {
                        return at + 2;
                    }
                    at = trailerEnd + 2;
                }
            }
            if (at + size + 2 > length) {
                return -1;
            }
            at += (int) size + 2;
        }
    }

    /** A number in an answer's head, or {@link IOException}: what was read is not an HTTP answer. */
    private static int number(String text, int radix) throws IOException {
        try {
            int value = Integer.parseInt(text, radix);
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("not a number where an answer has one: " + text, e);
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, String ascii) {
        outer:
        for (int i = from; i <= to - ascii.length(); i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (bytes[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection that failed: nothing left to do with it
            }
            socket = null;
        }
    }
}
