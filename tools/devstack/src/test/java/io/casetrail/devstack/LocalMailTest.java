package io.casetrail.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

class LocalMailTest {

    @TempDir
    Path mailDir;

    @Test
    void everyMessageSentOverSmtpIsKeptAsAFileAndNumberingGoesOnAcrossRuns() throws Exception {
        int port = freePort();
        ServerSetup client = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        try (LocalMail mail = LocalMail.start(mailDir, port)) {
            GreenMailUtil.sendTextEmail("alice@acme.example", "support@casetrail.dev", "Reset your password",
                    "https://acme.okta.com/reset?token=abc", client);
            List<Path> kept = mail.keepNewMessages();
            assertThat(kept).extracting(p -> p.getFileName().toString())
                    .containsExactly("00001-alice@acme.example.eml");
            assertThat(Files.readString(kept.get(0))).contains("Subject: Reset your password")
                    .contains("https://acme.okta.com/reset?token=abc");
            assertThat(mail.keepNewMessages()).isEmpty();
        }
        try (LocalMail mail = LocalMail.start(mailDir, port)) {
            GreenMailUtil.sendTextEmail("bob@acme.example", "support@casetrail.dev", "Temporary password", "x",
                    client);
            assertThat(mail.keepNewMessages()).extracting(p -> p.getFileName().toString())
                    .containsExactly("00002-bob@acme.example.eml");
        }
        try (var files = Files.list(mailDir)) {
            assertThat(files).hasSize(2);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
