package io.casetrail.platform.logging;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Sends request logs from a thread of its own, so that no request waits for Kafka: a request only queues its log.
 * The producer (and with it the log topic) is opened by that thread when the first log comes, and again a second
 * later for as long as the broker cannot be reached; meanwhile logs wait in a bounded queue, in order, and go out
 * once it can. Once open, the producer holds what it was given until the broker takes it, however long the broker
 * is away (its delivery timeout is unbounded; see {@link RequestLogs}), in its bounded buffer. Past the bounds a log
 * is dropped and counted: request logs are diagnostics, not domain events, and a request must not wait for them.
 */
final class RequestLogSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RequestLogSender.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Supplier<Producer<String, byte[]>> open;
    private final ThreadPoolExecutor thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    /** Set by the sending thread; closed by {@link #close} or, if it was opened after that, by the thread. */
    private volatile Producer<String, byte[]> producer;

    RequestLogSender(Supplier<Producer<String, byte[]>> open, int capacity) {
        this.open = open;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                runnable -> {
                    Thread sender = new Thread(runnable, "request-log-sender");
                    sender.setDaemon(true);
                    return sender;
                });
    }

    /** Queues the log, made on this sender's thread (what it looks up is looked up there); returns at once. */
    void send(Supplier<ProducerRecord<String, byte[]>> log) {
        try {
            thread.execute(() -> sendNow(log));
        } catch (RejectedExecutionException full) {
            drop("the queue of logs waiting for Kafka is full");
        }
    }

    private void drop(String why) {
        long count = dropped.incrementAndGet();
        if (count == 1 || count % 1000 == 0) {
            LOG.warnf("%d request logs dropped; the last: %s", count, why);
        }
    }

    /**
     * Logs dropped: the queue was full, the sender closed before Kafka could be reached, or the producer could not
     * take one (its buffer full, the topic unknown, for as long as it may block) or the broker refused it.
     */
    long dropped() {
        return dropped.get();
    }

    private void sendNow(Supplier<ProducerRecord<String, byte[]>> made) {
        ProducerRecord<String, byte[]> log;
        try {
            log = made.get();
        } catch (RuntimeException e) {
            drop("not made: " + e);
            return;
        }
        while (producer == null) {
            if (closed) {
                drop("shutting down with no broker to reach"); // the log waited for a broker
                return;
            }
            try {
                Producer<String, byte[]> opened = open.get();
                if (closed) {
                    opened.close(Duration.ZERO); // opened after close gave up waiting: nobody else closes it
                    drop("shutting down");
                    return;
                }
                producer = opened;
            } catch (RuntimeException e) {
                LOG.warnf("Request logs wait for Kafka: %s", e.toString());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        try {
            producer.send(log, (metadata, failure) -> {
                if (failure != null) {
                    // the producer's buffer stayed full, or the topic's partitions unknown, for as long as it may
                    // block (max.block.ms), or the broker refused the log: dropped and counted, with the reason
                    drop(failure.toString());
                }
            });
        } catch (RuntimeException closedOrUnsendable) {
            drop(closedOrUnsendable.toString());
        }
    }

    /** Sends what is queued (for up to five seconds), then closes the producer. */
    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        Producer<String, byte[]> opened = producer;
        if (opened != null) {
            opened.close(Duration.ofSeconds(5));
        }
    }
}
