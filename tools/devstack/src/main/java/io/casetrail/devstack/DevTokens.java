package io.casetrail.devstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.casetrail.testing.TokenMinter;

/**
 * Development tokens for {@code ./casetrail}: makes the local key pair on first start and signs tokens for any
 * role, org and subject. The services of a local run verify tokens against the public key.
 *
 * <pre>
 * DevTokens init-keys &lt;dir&gt;
 * DevTokens token &lt;dir&gt; --role R [--role R2] [--org O] [--sub S] [--team T]... [--name N] [--email E] [--hours H]
 * </pre>
 */
public final class DevTokens {

    private DevTokens() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "init-keys" -> initKeys(dir);
            case "token" -> System.out.println(token(dir, List.of(args).subList(2, args.length)));
            default -> usage();
        }
    }

    /**
     * Writes the token key pair ({@code private.pem}, {@code public.pem}), support-access-service's session token
     * pair ({@code session-private.pem}, {@code session-public.pem}) and log-service's internal-log checkpoint pair
     * ({@code checkpoint-private.pem}, {@code checkpoint-public.pem}) unless they exist. Under a lock on the
     * directory's {@code .lock} file: two launchers at once (./casetrail up, ./casetrail token) never write a private
     * key of one pair and the public key of another.
     */
    static void initKeys(Path dir) throws IOException, NoSuchAlgorithmException {
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lockFile.lock()) {
            initKeyPair(dir.resolve("private.pem"), dir.resolve("public.pem"));
            initKeyPair(dir.resolve("session-private.pem"), dir.resolve("session-public.pem"));
            initKeyPair(dir.resolve("checkpoint-private.pem"), dir.resolve("checkpoint-public.pem"));
        }
    }

    private static void initKeyPair(Path privateKey, Path publicKey) throws IOException, NoSuchAlgorithmException {
        if (Files.exists(privateKey) && Files.exists(publicKey)) {
            return;
        }
        Files.createDirectories(privateKey.getParent());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        privateKey.toFile().setReadable(false, false);
        privateKey.toFile().setReadable(true, true);
    }

    static String token(Path dir, List<String> options) {
        String subject = null;
        String org = null;
        String name = null;
        String email = null;
        long hours = 8;
        List<String> roles = new ArrayList<>();
        List<String> teams = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            String value = i + 1 < options.size() ? options.get(++i) : usage();
            switch (option) {
                case "--role" -> roles.add(value);
                case "--org" -> org = value;
                case "--sub" -> subject = value;
                case "--team" -> teams.add(value);
                case "--name" -> name = value;
                case "--email" -> email = value;
                case "--hours" -> hours = Long.parseLong(value);
                default -> usage();
            }
        }
        if (roles.isEmpty()) {
            usage();
        }
        if ((roles.contains("org-admin") || roles.contains("org-super-admin")) && org == null) {
            System.err.println("customer roles are bound to one org: add --org <orgId>");
            System.exit(2);
        }
        TokenMinter minter = TokenMinter.fromPem(dir.resolve("private.pem"), TokenMinter.DEV_ISSUER);
        TokenMinter.Token token = minter.token(subject == null ? "dev-" + roles.get(0) : subject)
                .org(org).name(name).lifetime(java.time.Duration.ofHours(hours));
        roles.forEach(token::role);
        teams.forEach(token::team);
        if (email != null) {
            token.claim("email", email);
        }
        return token.sign();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String usage() {
        System.err.println("usage: DevTokens init-keys <dir> | token <dir> --role R [--org O] [--sub S]"
                + " [--team T]... [--name N] [--email E] [--hours H]");
        System.exit(2);
        return null;
    }
}
