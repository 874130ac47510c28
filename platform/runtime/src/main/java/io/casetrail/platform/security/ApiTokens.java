package io.casetrail.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Org API tokens ({@code Authorization: SSWS <token>}): 42 characters, {@code 00} and 40 random base62
 * characters (about 238 bits), as the identity platform issues them. Only their SHA-256 is ever stored or sent:
 * with that much entropy a fast hash is enough, and it lets every service look a token up by its hash.
 */
public final class ApiTokens {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {
    }

    /** A new token secret. */
    public static String newSecret() {
        StringBuilder secret = new StringBuilder("00");
        for (int i = 0; i < 40; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /** Hex SHA-256 of a token secret. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
