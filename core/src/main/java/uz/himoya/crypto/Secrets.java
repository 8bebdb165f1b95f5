package uz.himoya.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Himoya's keyed hashes and its small at-rest encryption. Subject identities are stored only as keyed
 * hashes (for de-duplication and audit); the identifiers a running request still needs are encrypted with
 * AES-GCM and erased when the request ends, so Himoya never becomes a store of deleted users' data.
 *
 * <pre>{@code
 * Secrets s = new Secrets(base64Secret, new SecureRandom());
 * byte[] h = s.keyedHash("demo", "subject-email", "a@b.uz");
 * }</pre>
 */
public final class Secrets {
    private static final int GCM_TAG_BITS = 128;
    private static final int NONCE_BYTES = 12;

    private final byte[] hashKey;
    private final SecretKeySpec encryptionKey;
    private final byte[] erasureHashKey;
    private final SecureRandom random;

    public Secrets(String base64Secret, SecureRandom random) {
        byte[] master = Base64.getDecoder().decode(base64Secret.trim());
        if (master.length < 32) {
            throw new IllegalArgumentException("himoya.crypto.secret must be base64 of at least 32 bytes");
        }
        // Separate keys per purpose, derived from one secret, so one use can never be replayed as another.
        this.hashKey = derive(master, "himoya:subject-hash");
        this.encryptionKey = new SecretKeySpec(derive(master, "himoya:encryption"), "AES");
        this.erasureHashKey = derive(master, "himoya:erasure-pseudonym");
        this.random = random;
    }

    /** HMAC-SHA256 over the app, the kind of identifier and its normalized value. */
    public byte[] keyedHash(String appId, String kind, String value) {
        return hmac(hashKey, appId + '\u0000' + kind + '\u0000' + value);
    }

    /** The secret prefix of the {@code keyed-hash} anonymization strategy (hex, used inside SQL as a bound value). */
    public String erasurePseudonymKey() {
        return HexFormat.of().formatHex(erasureHashKey);
    }

    public byte[] encrypt(String plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(GCM_TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(byte[] box) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(GCM_TAG_BITS, box, 0, NONCE_BYTES));
            return new String(cipher.doFinal(box, NONCE_BYTES, box.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // No detail: the message of a failed decryption says nothing about the content either way.
            throw new IllegalStateException("stored identifier could not be decrypted (wrong himoya.crypto.secret?)");
        }
    }

    /** A random URL-safe token of 256 bits (the spec asks for at least 128). */
    public String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Tokens and API keys are high-entropy, so a plain SHA-256 is enough to store them unreadably. */
    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] derive(byte[] master, String label) {
        return hmac(master, label);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
