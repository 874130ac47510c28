package io.casetrail.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestLogSender} with no broker to reach: queuing a log never waits, whether the producer cannot be
 * opened yet (the topic check waits for a broker) or cannot send (a real producer whose broker is gone waits for
 * its metadata up to {@code max.block.ms}); a full queue drops and counts.
 */
class RequestLogSenderTest {

    private static final ProducerRecord<String, byte[]> LOG = new ProducerRecord<>("casetrail.log.v1", "org-1",
            "{\"message\":\"GET /cases 200\"}".getBytes(StandardCharsets.UTF_8));

    @Test
    void aLogIsQueuedAtOnceWhileTheProducerCannotBeOpened() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        CountDownLatch opening = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        RequestLogSender sender = new RequestLogSender(() -> {
            attempts.incrementAndGet();
            opening.countDown();
            try {
                brokerBack.await(); // as the topic check waits for a broker that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not provision topics [casetrail.log.v1]");
        }, 100);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 50; i++) {
                    sender.send(() -> LOG);
                }
            });
            assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(attempts.get()).isEqualTo(1); // the first log waits for the broker; the others behind it
            assertThat(sender.dropped()).isZero();
        } finally {
            brokerBack.countDown();
            sender.close();
        }
    }

    @Test
    void aLogIsQueuedAtOnceWhileARealProducerWaitsForItsBrokerAndAFullQueueDrops() throws Exception {
        int nobody = freePort();
        RequestLogSender sender = new RequestLogSender(() -> producer(nobody), 10);
        try {
            // each send waits max.block.ms (2 s) for metadata on the sender's thread; here none may wait at all
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 50; i++) {
                    sender.send(() -> LOG);
                }
            });
            // one on its way, ten queued: the rest dropped and counted
            assertThat(sender.dropped()).isBetween(30L, 40L); // 40 if the first one's wait ended already
        } finally {
            sender.close();
        }
    }

    /**
     * A log is made on the sender's thread: what it looks up there (the org of the case a request was about, in the
     * database) keeps no request waiting, and no event loop a refusal was answered on; one that cannot be made is
     * dropped and counted.
     */
    @Test
    void aLogIsMadeOnTheSendersThreadAndOneThatCannotBeMadeIsCounted() throws Exception {
        CountDownLatch lookedUp = new CountDownLatch(1);
        AtomicReference<String> madeOn = new AtomicReference<>();
        RequestLogSender sender = new RequestLogSender(() -> {
            throw new IllegalStateException("no broker");
        }, 10);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> sender.send(() -> {
                madeOn.set(Thread.currentThread().getName());
                try {
                    lookedUp.await(); // as a lookup in a database that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the database is away");
            }));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (madeOn.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(madeOn.get()).isEqualTo("request-log-sender");
            lookedUp.countDown();
            while (sender.dropped() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(sender.dropped()).isEqualTo(1);
        } finally {
            lookedUp.countDown();
            sender.close();
        }
    }

    /** A log the open producer could not take within max.block.ms (no broker to tell its partitions) is counted. */
    @Test
    void aLogTheProducerCannotTakeIsDroppedAndCounted() throws Exception {
        int nobody = freePort();
        RequestLogSender sender = new RequestLogSender(() -> producer(nobody), 10);
        try {
            sender.send(() -> LOG);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (sender.dropped() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sender.dropped()).isEqualTo(1);
        } finally {
            sender.close();
        }
    }

    private static Producer<String, byte[]> producer(int port) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
