package io.casetrail.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Clients on HTTP/1.1 connections of their own, kept alive, driven by a few threads with a selector each, the way
 * load generators such as wrk drive theirs: every client sends its next request when its answer has come, a closed
 * loop as with a thread of its own ({@link SocketHttp}), but a thread wakes once for all the answers that came
 * meanwhile instead of once for each. On a machine of two cores shared with the server under test, 64 client
 * threads are 64 more threads waiting for a core: each answer waits for its client's thread to be run before it
 * is timed, a delay a client on a machine of its own would not have.
 *
 * <p>A request's time runs from just before it is written (or its connection opened, when it needs one) to its
 * answer read whole ({@link SocketHttp#parse}). A failure (the connection ended or refused, an answer not HTTP, none
 * within 30 s) counts once, and the client goes on with a new connection, after {@link #RETRY} if it could not be
 * opened.
 */
final class NioHttp {

    /**
     * What the clients send: {@code request("<client>-<n>")} for a client's n-th unit, answered {@code status} when it
     * went well; the last segment of a {@code Location} answered goes to {@code lastCase} unless it is null.
     */
    record Exchange(Function<String, CommandBench.Request> request, int status, AtomicReference<String> lastCase) {

        /** Whether {@code answer} is the one expected; its {@code Location}'s last segment kept as the last case. */
        boolean expected(SocketHttp.Answer answer) {
            if (lastCase != null && answer.location() != null) {
                lastCase.set(answer.location().replaceAll(".*/", ""));
            }
            return answer.status() == status;
        }
    }

    /** Where each request's outcome goes: its send and answer times, and whether it was answered as expected. */
    interface Outcome {
        void answered(long sent, long answered, boolean ok);
    }

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);
    /** After a connection could not be opened, the wait before its client tries again. */
    private static final long RETRY = TimeUnit.MILLISECONDS.toNanos(10);

    private final InetSocketAddress server;
    private final Exchange exchange;
    private final long end;
    private final Outcome outcome;
    private final List<Client> clients = new ArrayList<>();
    private Selector selector;
    private int active;

    private NioHttp(InetSocketAddress server, Exchange exchange, long end, Outcome outcome) {
        this.server = server;
        this.exchange = exchange;
        this.end = end;
        this.outcome = outcome;
    }

    /**
     * Starts {@code clients} clients numbered from 0 on {@code threads} threads (at most one a client), each sending
     * until {@code end} (a {@link System#nanoTime()}); the threads end once every client has its last answer.
     */
    static List<Thread> start(InetSocketAddress server, int clients, int threads, Exchange exchange, long end,
                              Outcome outcome) {
        int loops = Math.max(1, Math.min(threads, clients));
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < loops; t++) {
            NioHttp loop = new NioHttp(server, exchange, end, outcome);
            for (int c = t; c < clients; c += loops) {
                loop.clients.add(new Client(c));
            }
            Thread thread = new Thread(loop::run, "clients-" + t);
            thread.start();
            started.add(thread);
        }
        return started;
    }

    /** One client: its connection, the request being sent and the answer being read. */
    private static final class Client {
        final int number;
        int sentUnits;
        SocketChannel channel;
        SelectionKey key;
        /** Whether its connection is being opened. */
        boolean connecting;
        ByteBuffer request;
        byte[] answer = new byte[16_384];
        int filled;
        /** When the request waiting for its answer was sent; 0 for none. */
        long sent;
        /** When a client whose connection could not be opened tries again; 0 for not waiting. */
        long retryAt;

        Client(int number) {
            this.number = number;
        }
    }

    private void run() {
        try (Selector opened = Selector.open()) {
            selector = opened;
            active = clients.size();
            for (Client client : clients) {
                next(client);
            }
            while (active > 0) {
                selector.select(10);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Client client = (Client) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            client.channel.finishConnect();
                            client.connecting = false;
                            write(client);
                        } else {
                            if (key.isValid() && key.isWritable()) {
                                write(client);
                            }
                            if (key.isValid() && key.isReadable()) {
                                read(client);
                            }
                        }
                    } catch (IOException e) {
                        fail(client);
                    }
                }
                long now = System.nanoTime();
                for (Client client : clients) {
                    if (client.sent != 0 && now - client.sent > TIMEOUT) {
                        fail(client);
                    } else if (client.retryAt != 0 && now >= client.retryAt) {
                        client.retryAt = 0;
                        next(client);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a selector for the benchmark's clients could not be used", e);
        } finally {
            for (Client client : clients) {
                close(client);
            }
        }
    }

    /**
     * The client's next request, or its end once the time is over. Its time starts here: a connection opened for it
     * (the first, or one after a failure or a closing server) is part of it, as it is for a client's own thread.
     */
    private void next(Client client) {
        if (System.nanoTime() >= end) {
            close(client);
            active--;
            return;
        }
        CommandBench.Request request = exchange.request().apply(client.number + "-" + client.sentUnits++);
        client.request = ByteBuffer.wrap(SocketHttp.whole(request.head(), request.body()));
        client.filled = 0;
        client.sent = System.nanoTime();
        try {
            if (client.channel == null) {
                client.connecting = true;
                client.channel = SocketChannel.open();
                client.channel.configureBlocking(false);
                client.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = client.channel.connect(server);
                client.key = client.channel.register(selector,
                        connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, client);
                if (!connected) {
                    return; // written once connected
                }
                client.connecting = false;
            }
            write(client);
        } catch (IOException e) {
            fail(client);
        }
    }

    private void write(Client client) throws IOException {
        client.channel.write(client.request);
        client.key.interestOps(client.request.hasRemaining()
                ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void read(Client client) throws IOException {
        if (client.filled == client.answer.length) {
            client.answer = Arrays.copyOf(client.answer, client.answer.length * 2);
        }
        int n = client.channel.read(ByteBuffer.wrap(client.answer, client.filled,
                client.answer.length - client.filled));
        if (n < 0) {
            throw new IOException("the connection ended inside an answer");
        }
        client.filled += n;
        SocketHttp.Parsed parsed = SocketHttp.parse(client.answer, client.filled);
        if (parsed == null) {
            return;
        }
        long answered = System.nanoTime();
        long sent = client.sent;
        client.sent = 0; // answered: whatever happens next, it is not counted again
        outcome.answered(sent, answered, exchange.expected(parsed.answer()));
        if (parsed.closes() || parsed.length() != client.filled) {
            close(client); // a closing server, or bytes after the answer that no request asked for
        }
        next(client);
    }

    /**
     * A request failed: counted once, its connection closed; the client's next request goes on a new one, at once,
     * or after {@link #RETRY} when the connection could not be opened.
     */
    private void fail(Client client) {
        if (client.sent != 0) {
            outcome.answered(client.sent, System.nanoTime(), false);
            client.sent = 0;
        }
        boolean connecting = client.connecting;
        close(client);
        if (connecting) {
            client.retryAt = System.nanoTime() + RETRY;
        } else {
            next(client);
        }
    }

    private static void close(Client client) {
        if (client.channel != null) {
            try {
                client.channel.close(); // cancels its key
            } catch (IOException ignored) {
                // closing a connection that failed or is done with: nothing left to do with it
            }
            client.channel = null;
            client.key = null;
            client.connecting = false;
        }
    }
}
