package io.casetrail.orgadmin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/** {@link SmtpSender} against a real SMTP server (GreenMail), and against servers that do not answer. */
class SmtpSenderTest {

    private GreenMail server;

    @BeforeEach
    void start() throws IOException {
        server = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void theMessageArrivesFromTheSenderToEveryRecipientWithItsSubjectAndText() throws Exception {
        new SmtpSender(settings(server.getSmtp().getPort(), Duration.ofSeconds(10))).send(new Mailbox.Message(
                List.of("alice@path.example", "alice@home.example"), "Réinitialisez votre mot de passe",
                "Bonjour Alice,\n\nhttps://path.okta.com/reset_password/abc"));

        MimeMessage[] received = server.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient
        for (MimeMessage message : received) {
            assertThat(message.getFrom()[0].toString()).isEqualTo("Casetrail Support <support@casetrail.dev>");
            assertThat(message.getSubject()).isEqualTo("Réinitialisez votre mot de passe");
            assertThat(message.getContent().toString().replace("\r\n", "\n"))
                    .isEqualTo("Bonjour Alice,\n\nhttps://path.okta.com/reset_password/abc");
        }
        assertThat(List.of(received[0].getAllRecipients()).stream().map(Object::toString))
                .containsExactly("alice@path.example", "alice@home.example");
    }

    /**
     * The defect this sender replaced: Vert.x's mail client (behind Quarkus Mailer) dropped whatever the server sent
     * before it had set up its reader, so a send failed on a truncated greeting or, the whole greeting lost, waited
     * for the timeout. The same 320 sends, eight at a time, through that client to this server: 2 to 5 failed and
     * up to one stalled in each of five runs. Here every one arrives.
     */
    @Test
    void everyOneOfManyConcurrentSendsArrives() throws Exception {
        SmtpSender sender = new SmtpSender(settings(server.getSmtp().getPort(), Duration.ofSeconds(10)));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                int n = i;
                sends.add(clients.submit(() -> {
                    sender.send(new Mailbox.Message(List.of("user" + n + "@path.example"), "Message " + n,
                            "Text " + n));
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Set<String> subjects = List.of(server.getReceivedMessages()).stream().map(m -> {
            try {
                return m.getSubject() + " to " + m.getAllRecipients()[0] + ": " + GreenMailUtil.getBody(m).trim();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
        assertThat(subjects).hasSize(320).contains("Message 0 to user0@path.example: Text 0",
                "Message 319 to user319@path.example: Text 319");
    }

    @Test
    void aServerThatAcceptsButNeverAnswersFailsTheSendAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // and never a greeting
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            SmtpSender sender = new SmtpSender(settings(silent.getLocalPort(), Duration.ofMillis(500)));

            // the read of the greeting gives up: without the timeout it would wait for good
            assertThatThrownBy(() -> sender.send(new Mailbox.Message(List.of("alice@path.example"), "S", "T")))
                    .isInstanceOf(MessagingException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void noServerFailsTheSendAtOnce() throws Exception {
        SmtpSender sender = new SmtpSender(settings(freePort(), Duration.ofSeconds(10)));

        // refused at once by the host, not waited out
        assertThatThrownBy(() -> sender.send(new Mailbox.Message(List.of("alice@path.example"), "S", "T")))
                .isInstanceOf(MessagingException.class).hasRootCauseInstanceOf(ConnectException.class);
    }

    static MailSettings settings(int port, Duration timeout) {
        return new MailSettings() {
            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String from() {
                return "Casetrail Support <support@casetrail.dev>";
            }

            @Override
            public Optional<String> username() {
                return Optional.empty();
            }

            @Override
            public Optional<String> password() {
                return Optional.empty();
            }

            @Override
            public StartTls startTls() {
                return StartTls.DISABLED;
            }

            @Override
            public boolean tls() {
                return false;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
