package io.casetrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The benchmark's clients on a selector, against a real HTTP server on this machine. */
class NioHttpTest {

    private HttpServer server;
    /** The units the server was sent, by their {@code n} query parameter. */
    private final Set<String> received = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/created", exchange -> {
            String unit = unit(exchange);
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1/cases/" + unit);
            answer(exchange, 201, ("{\"number\":\"" + unit + "\"}").getBytes(StandardCharsets.UTF_8), false);
        });
        server.createContext("/chunked", exchange -> {
            unit(exchange);
            exchange.getResponseHeaders().add("Connection", "close"); // and a new connection for each request
            answer(exchange, 200, "x".repeat(20_000).getBytes(StandardCharsets.UTF_8), true);
        });
        server.createContext("/refused", exchange -> {
            unit(exchange);
            answer(exchange, 403, new byte[0], false);
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private String unit(HttpExchange exchange) {
        String unit = exchange.getRequestURI().getQuery().substring("n=".length());
        received.add(unit);
        return unit;
    }

    private static void answer(HttpExchange exchange, int status, byte[] body, boolean chunked) throws IOException {
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** What the clients' outcomes were. */
    private record Outcomes(AtomicLong ok, AtomicLong failed) {
    }

    private Outcomes run(String path, int expected, AtomicReference<String> lastCase) throws InterruptedException {
        Outcomes outcomes = new Outcomes(new AtomicLong(), new AtomicLong());
        NioHttp.Exchange exchange = new NioHttp.Exchange(n -> new CommandBench.Request(
                SocketHttp.head("GET", path + "?n=" + n, "", -1), null), expected, lastCase);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
        List<Thread> threads = NioHttp.start(new InetSocketAddress("127.0.0.1", server.getAddress().getPort()), 5, 2,
                exchange, end, (sent, answered, ok) -> (ok && answered >= sent ? outcomes.ok() : outcomes.failed())
                        .incrementAndGet());
        assertEquals(2, threads.size());
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!thread.isAlive(), thread.getName() + " ended once its clients' time was over");
        }
        return outcomes;
    }

    @Test
    void everyClientSendsOneRequestAfterAnotherOnItsConnection() throws InterruptedException {
        AtomicReference<String> lastCase = new AtomicReference<>();
        Outcomes outcomes = run("/created", 201, lastCase);
        assertEquals(0, outcomes.failed().get());
        assertEquals(received.size(), outcomes.ok().get(), "every unit the server took was answered and counted once");
        for (int client = 0; client < 5; client++) {
            assertTrue(received.contains(client + "-0") && received.contains(client + "-1"),
                    "client " + client + " sent more than one request: " + received);
        }
        assertTrue(received.contains(lastCase.get()), "the Location's last segment is a unit sent: " + lastCase);
    }

    @Test
    void aChunkedAnswerOnAConnectionTheServerClosesIsReadAndTheClientGoesOn() throws InterruptedException {
        Outcomes outcomes = run("/chunked", 200, null);
        assertEquals(0, outcomes.failed().get());
        assertEquals(received.size(), outcomes.ok().get());
        assertTrue(outcomes.ok().get() >= 10, "each client went on on new connections: " + outcomes.ok());
    }

    @Test
    void anAnswerWithAnotherStatusIsAnError() throws InterruptedException {
        Outcomes outcomes = run("/refused", 200, null);
        assertEquals(0, outcomes.ok().get());
        assertEquals(received.size(), outcomes.failed().get(), "every answer counted an error, once");
        assertTrue(outcomes.failed().get() >= 10, "each client went on after its errors: " + outcomes.failed());
    }

    @Test
    void anAnswerCutShortIsOneErrorAndTheClientGoesOnOnANewConnection() throws Exception {
        AtomicLong requests = new AtomicLong();
        try (ServerSocket cutting = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                while (!cutting.isClosed()) {
                    try (Socket connection = cutting.accept()) {
                        InputStream in = connection.getInputStream();
                        int matched = 0;
                        for (int b = in.read(); b >= 0; b = in.read()) { // to the head's end
                            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                            if (matched == 4) {
                                requests.incrementAndGet();
                                connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
                                        .getBytes(StandardCharsets.US_ASCII));
                                break; // and the connection closed, seven bytes short
                            }
                        }
                    } catch (IOException closed) {
                        // the test is over, or a client went away
                    }
                }
            });
            acceptor.start();
            Outcomes outcomes = new Outcomes(new AtomicLong(), new AtomicLong());
            List<Thread> threads = NioHttp.start(new InetSocketAddress("127.0.0.1", cutting.getLocalPort()), 3, 1,
                    new NioHttp.Exchange(n -> new CommandBench.Request(SocketHttp.head("GET", "/", "", -1), null),
                            200, null), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500),
                    (sent, answered, ok) -> (ok ? outcomes.ok() : outcomes.failed()).incrementAndGet());
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertEquals(0, outcomes.ok().get());
            assertEquals(requests.get(), outcomes.failed().get(), "each request cut short counted once");
            assertTrue(outcomes.failed().get() >= 3, "the clients went on: " + outcomes.failed());
        }
    }

    @Test
    void aServerThatIsGoneGivesErrorsAndTheClientsStillEndOnTime() throws InterruptedException {
        server.stop(0);
        Outcomes outcomes = run("/created", 201, null);
        assertEquals(0, outcomes.ok().get());
        assertTrue(outcomes.failed().get() >= 5, "each client's refused connection counted: " + outcomes.failed());
    }
}
