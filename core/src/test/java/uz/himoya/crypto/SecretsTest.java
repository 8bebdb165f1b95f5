package uz.himoya.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keyed hashes, at-rest encryption and tokens, with no framework around them. */
class SecretsTest {

    private static final String SECRET = base64("0123456789abcdef0123456789abcdef");
    private static final String OTHER_SECRET = base64("fedcba9876543210fedcba9876543210");

    private final Secrets secrets = new Secrets(SECRET, new SecureRandom());

    /**
     * SnapStart restores many instances from one memory snapshot, SecureRandom included. CryptoProducer's
     * default SecureRandom is NativePRNG on Linux (Lambda's OS), which mixes fresh /dev/urandom bytes into
     * every call, so restored copies cannot repeat each other's tokens. A deterministic generator (DRBG,
     * SHA1PRNG) would need reseeding in afterRestore instead: this pins the assumption.
     */
    @Test
    void shouldDrawFromTheOperatingSystemOnEveryCall_whenTheDefaultGeneratorIsUsed() {
        assertThat(new SecureRandom().getAlgorithm()).startsWith("NativePRNG");
    }

    @Test
    void shouldReturnOriginalText_whenNonAsciiTextIsEncryptedAndDecrypted() {
        // Arrange
        String uzbek = "Oʻzbekiston, Toshkent: Дилноза Каримова, ғ қ ҳ ў";
        String kyrgyz = "Айгүл Асанова, Бишкек: ң ө ү";

        // Act
        String uzbekBack = secrets.decrypt(secrets.encrypt(uzbek));
        String kyrgyzBack = secrets.decrypt(secrets.encrypt(kyrgyz));

        // Assert
        assertThat(uzbekBack).isEqualTo(uzbek);
        assertThat(kyrgyzBack).isEqualTo(kyrgyz);
    }

    @Test
    void shouldNotContainPlaintext_whenTextIsEncrypted() {
        // Arrange
        String email = "dilnoza@demo.example";

        // Act
        byte[] box = secrets.encrypt(email);

        // Assert
        assertThat(new String(box, UTF_8)).doesNotContain("dilnoza");
        assertThat(box.length).isEqualTo(12 + email.getBytes(UTF_8).length + 16);
    }

    @Test
    void shouldProduceDifferentCiphertexts_whenSameTextIsEncryptedTwice() {
        // Arrange
        String text = "Шерзод Тошматов";

        // Act
        byte[] first = secrets.encrypt(text);
        byte[] second = secrets.encrypt(text);

        // Assert
        assertThat(first).isNotEqualTo(second);
        assertThat(Arrays.copyOf(first, 12)).as("nonce").isNotEqualTo(Arrays.copyOf(second, 12));
        assertThat(secrets.decrypt(first)).isEqualTo(secrets.decrypt(second)).isEqualTo(text);
    }

    @Test
    void shouldReturnSameHash_whenSameInputIsHashedTwice() {
        // Arrange
        Secrets sameSecret = new Secrets(SECRET, new SecureRandom());

        // Act
        byte[] first = secrets.keyedHash("demo", "subject-email", "dilnoza@demo.example");
        byte[] second = sameSecret.keyedHash("demo", "subject-email", "dilnoza@demo.example");

        // Assert
        assertThat(first).hasSize(32).isEqualTo(second);
    }

    @Test
    void shouldReturnDifferentHashes_whenAppKindValueOrSecretDiffer() {
        // Arrange
        byte[] base = secrets.keyedHash("demo", "subject-email", "dilnoza@demo.example");

        // Act
        byte[] otherApp = secrets.keyedHash("demo-kg", "subject-email", "dilnoza@demo.example");
        byte[] otherKind = secrets.keyedHash("demo", "subject-id", "dilnoza@demo.example");
        byte[] otherValue = secrets.keyedHash("demo", "subject-email", "anna@demo.example");
        byte[] otherSecret = new Secrets(OTHER_SECRET, new SecureRandom()).keyedHash("demo", "subject-email",
                "dilnoza@demo.example");

        // Assert
        assertThat(otherApp).isNotEqualTo(base);
        assertThat(otherKind).isNotEqualTo(base);
        assertThat(otherValue).isNotEqualTo(base);
        assertThat(otherSecret).isNotEqualTo(base);
    }

    @Test
    void shouldNotCollide_whenSeparatorIsShiftedBetweenAppAndKind() {
        // Arrange + Act
        byte[] a = secrets.keyedHash("demo", "xsubject", "v");
        byte[] b = secrets.keyedHash("demox", "subject", "v");

        // Assert
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shouldDeriveStableHexPseudonymKey_whenSecretIsTheSame() {
        // Arrange
        Secrets sameSecret = new Secrets(SECRET, new SecureRandom());

        // Act
        String key = secrets.erasurePseudonymKey();

        // Assert
        assertThat(key).matches("[0-9a-f]{64}").isEqualTo(sameSecret.erasurePseudonymKey())
                .isNotEqualTo(new Secrets(OTHER_SECRET, new SecureRandom()).erasurePseudonymKey());
    }

    @Test
    void shouldRefuseSecret_whenShorterThan32Bytes() {
        // Arrange
        String short31 = base64("0123456789abcdef0123456789abcde");

        // Act + Assert
        assertThatThrownBy(() -> new Secrets(short31, new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void shouldThrowWithoutPlaintext_whenDecryptedWithAnotherKey() {
        // Arrange
        String plaintext = "Dilnoza Karimova, +998901112233";
        byte[] box = secrets.encrypt(plaintext);
        Secrets other = new Secrets(OTHER_SECRET, new SecureRandom());

        // Act
        Throwable thrown = catchThrowable(() -> other.decrypt(box));

        // Assert
        assertThat(thrown).isInstanceOf(IllegalStateException.class);
        assertThat(thrown.getMessage()).doesNotContain(plaintext).doesNotContain("Dilnoza")
                .doesNotContain("+998901112233");
        assertThat(thrown.getCause()).isNull();
    }

    @Test
    void shouldThrow_whenCiphertextIsTampered() {
        // Arrange
        byte[] box = secrets.encrypt("Айгүл Асанова");
        box[box.length - 1] ^= 1;

        // Act + Assert
        assertThatThrownBy(() -> secrets.decrypt(box)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReturnDistinctUrlSafeTokens_whenNewTokenIsCalled() {
        // Arrange + Act
        String first = secrets.newToken();
        String second = secrets.newToken();

        // Assert
        assertThat(first).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
        assertThat(second).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
        assertThat(first).isNotEqualTo(second);
    }

    private static String base64(String raw) {
        return Base64.getEncoder().encodeToString(raw.getBytes(UTF_8));
    }
}
