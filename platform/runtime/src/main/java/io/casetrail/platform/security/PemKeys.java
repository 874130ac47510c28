package io.casetrail.platform.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * RSA keys in PEM files: PKCS#8 private keys ({@code BEGIN PRIVATE KEY}) and X.509 public keys
 * ({@code BEGIN PUBLIC KEY}). A location is {@code file:<path>}, an absolute path, or a classpath resource.
 */
public final class PemKeys {

    private PemKeys() {
    }

    public static PrivateKey privateKey(String location) {
        return privateKeyFromPem(read(location));
    }

    public static PublicKey publicKey(String location) {
        byte[] der = der(read(location), "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(location + " is not an X.509 PEM RSA public key", e);
        }
    }

    public static PrivateKey privateKeyFromPem(String pem) {
        byte[] der = der(pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 PEM RSA private key", e);
        }
    }

    private static byte[] der(String pem, String type) {
        String base64 = pem.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM " + type, e);
        }
    }

    private static String read(String location) {
        try {
            if (location.startsWith("file:")) {
                return Files.readString(Path.of(location.substring("file:".length())), StandardCharsets.US_ASCII);
            }
            if (location.startsWith("/") && Files.exists(Path.of(location))) {
                return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
            }
            String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            try (InputStream in = loader.getResourceAsStream(resource.startsWith("/") ? resource.substring(1)
                    : resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no key at " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the key at " + location, e);
        }
    }
}
