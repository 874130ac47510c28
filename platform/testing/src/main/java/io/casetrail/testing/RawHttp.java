package io.casetrail.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A request written byte for byte on a socket, for addresses an HTTP client would encode or refuse to send (a raw
 * quote in a query, as curl sends a filter typed with quotes). One request per connection ({@code Connection:
 * close}); the answer is read whole.
 */
public final class RawHttp {

    /** An answer: its status and everything after the status line (headers and body). */
    public record Answer(int status, String rest) {
    }

    private RawHttp() {
    }

    /** {@code GET target} with the given {@code Authorization} header value (none when null). */
    public static Answer get(int port, String target, String authorization) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String text = answer.toString(StandardCharsets.UTF_8);
            int firstLine = text.indexOf("\r\n");
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(firstLine + 2));
        }
    }
}
