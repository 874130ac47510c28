package io.casetrail.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One client's HTTP/1.1 connection, kept alive, used by one thread: a request written whole, its answer read on the
 * same thread. The JDK's {@code HttpClient} hands every exchange to its selector thread and back through futures;
 * on two cores shared with the server those hops cost about as much CPU as the server spends on a small request,
 * CPU the server under test then does not have. This client costs a write and a read or two: a load generator
 * front ends would come close to, and one that takes as little as possible of the machine it measures.
 *
 * <p>It reads what these benchmarks are answered with: a status line, headers, then a body of
 * {@code Content-Length} bytes or chunked; the body is read and dropped. A connection the server closes, or any
 * failure, is opened again for the next request.
 */
final class SocketHttp implements AutoCloseable {

    /** An answer: its status and its {@code Location} header, if any. */
    record Answer(int status, String location) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final StringBuilder line = new StringBuilder(128);
    private final byte[] drain = new byte[8192];

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

    /** Sends a request (its head and body, if any) and reads the whole answer. */
    Answer exchange(byte[] head, byte[] body) throws IOException {
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                socket.connect(new InetSocketAddress(host, port), 5_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream(), 16_384);
            }
            if (body == null || body.length == 0) {
                out.write(head);
            } else {
                byte[] whole = new byte[head.length + body.length];
                System.arraycopy(head, 0, whole, 0, head.length);
                System.arraycopy(body, 0, whole, head.length, body.length);
                out.write(whole);
            }
            out.flush();
            return read();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Answer read() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        String location = null;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                throw new IOException("a header line without a colon: " + header);
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                case "location" -> location = value;
                default -> {
                }
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(chunkSize(readLine()), 16); size > 0;
                 size = Long.parseLong(chunkSize(readLine()), 16)) {
                skip(size);
                readLine();
            }
            while (!readLine().isEmpty()) { // trailers
            }
        } else if (length >= 0) {
            skip(length);
        } else {
            closes = true; // a body to the connection's end: nothing else comes on it
        }
        if (closes) {
            close();
        }
        return new Answer(code, location);
    }

    private static String chunkSize(String line) {
        int extension = line.indexOf(';');
        return (extension < 0 ? line : line.substring(0, extension)).trim();
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            int n = in.read(drain, 0, (int) Math.min(drain.length, bytes));
            if (n < 0) {
                throw new IOException("the connection ended inside a body");
            }
            bytes -= n;
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended inside an answer's head");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
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
