package io.casetrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The benchmark clients' reading of an answer: whole or not yet, how long, and what it says. */
class SocketHttpTest {

    private static SocketHttp.Parsed parse(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return SocketHttp.parse(bytes, bytes.length);
    }

    @Test
    void anAnswerWithAContentLengthIsWholeOnceItsBodyIsThere() throws IOException {
        String answer = "HTTP/1.1 201 Created\r\nLocation: http://127.0.0.1/cases/00001234\r\n"
                + "Content-Length: 5\r\n\r\nhello";
        SocketHttp.Parsed parsed = parse(answer);
        assertEquals(new SocketHttp.Answer(201, "http://127.0.0.1/cases/00001234"), parsed.answer());
        assertEquals(answer.length(), parsed.length());
        assertFalse(parsed.closes());
        assertNull(parse(answer.substring(0, answer.length() - 1)), "a body one byte short");
        assertNull(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), "a head not ended");
    }

    @Test
    void aChunkedAnswerEndsAfterItsLastChunkAndTrailers() throws IOException {
        String answer = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n";
        SocketHttp.Parsed parsed = parse(answer + "HTTP/1.1"); // the next answer's first bytes are not this one's
        assertEquals(new SocketHttp.Answer(200, null), parsed.answer());
        assertEquals(answer.length(), parsed.length());
        for (int cut = answer.indexOf("\r\n\r\n") + 4; cut < answer.length(); cut++) {
            assertNull(parse(answer.substring(0, cut)), "cut at " + cut);
        }
        String noTrailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assertEquals(noTrailers.length(), parse(noTrailers).length());
    }

    @Test
    void anAnswerThatClosesOrHasNoLengthEndsItsConnection() throws IOException {
        assertTrue(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").closes());
        SocketHttp.Parsed toTheEnd = parse("HTTP/1.1 200 OK\r\n\r\n");
        assertTrue(toTheEnd.closes());
        assertEquals(19, toTheEnd.length());
    }

    @Test
    void anAnswerThatHasNoBodyKeepsItsConnection() throws IOException {
        String answer = "HTTP/1.1 204 No Content\r\nX-Request-Id: 1\r\n\r\n";
        SocketHttp.Parsed noContent = parse(answer + "HTTP/1.1");
        assertEquals(new SocketHttp.Answer(204, null), noContent.answer());
        assertEquals(answer.length(), noContent.length());
        assertFalse(noContent.closes());
        assertFalse(parse("HTTP/1.1 304 Not Modified\r\n\r\n").closes());
        assertTrue(parse("HTTP/1.1 204 No Content\r\nConnection: keep-alive, close\r\n\r\n").closes());
    }

    @Test
    void whatIsNotAnHttpAnswerIsAnError() {
        assertThrows(IOException.class, () -> parse("HTTP/1.1 2x0 OK\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.0 200 OK\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
    }
}
