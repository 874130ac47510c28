package io.casetrail.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The mail catcher of {@code ./casetrail up}: a real SMTP server on 127.0.0.1 that accepts every message and keeps
 * it as an {@code .eml} file, so the reset links and temporary passwords org-admin-service sends in development
 * can be read ({@code ./casetrail mail}) and never leave the machine.
 *
 * <p>Usage: {@code LocalMail <mail-dir> [smtp-port]} (default 3025). Files are named
 * {@code <sequence>-<recipient>.eml} in the order the messages arrived; numbering goes on across runs.
 */
public final class LocalMail implements AutoCloseable {

    private final Path mailDir;
    private final GreenMail smtp;
    private final int keptBefore;
    private int written;

    private LocalMail(Path mailDir, GreenMail smtp, int keptBefore) {
        this.mailDir = mailDir;
        this.smtp = smtp;
        this.keptBefore = keptBefore;
    }

    /** Starts listening on {@code 127.0.0.1:port}. */
    public static LocalMail start(Path mailDir, int port) throws IOException {
        Files.createDirectories(mailDir);
        int earlier;
        try (var files = Files.list(mailDir)) {
            earlier = (int) files.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
        }
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return new LocalMail(mailDir, smtp, earlier);
    }

    /** Writes the messages that arrived since the last call; returns their files. */
    public synchronized List<Path> keepNewMessages() throws IOException, MessagingException {
        MimeMessage[] received = smtp.getReceivedMessages();
        List<Path> kept = new ArrayList<>();
        for (; written < received.length; written++) {
            kept.add(keep(keptBefore + written + 1, received[written]));
        }
        return kept;
    }

    private Path keep(int sequence, MimeMessage message) throws IOException, MessagingException {
        Address[] recipients = message.getAllRecipients();
        String recipient = recipients == null || recipients.length == 0 ? "unknown"
                : recipients[0].toString().replaceAll("[^A-Za-z0-9@._-]", "_");
        Path file = mailDir.resolve("%05d-%s.eml".formatted(sequence, recipient));
        try (OutputStream out = Files.newOutputStream(file)) {
            message.writeTo(out);
        }
        return file;
    }

    @Override
    public void close() {
        smtp.stop();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LocalMail <mail-dir> [smtp-port]");
            System.exit(2);
        }
        Path mailDir = Path.of(args[0]);
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 3025;
        LocalMail mail = start(mailDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            mail.close();
        }, "local-mail-stop"));
        System.out.println("Mail catcher listening on SMTP 127.0.0.1:" + port + " (messages in " + mailDir + ")");
        while (!stopped.await(50, TimeUnit.MILLISECONDS)) {
            for (Path file : mail.keepNewMessages()) {
                System.out.println("Kept " + file.getFileName());
            }
        }
    }
}
