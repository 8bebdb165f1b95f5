package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.webhook.WebhookSignature.Rejected;
import uz.himoya.webhook.WebhookSignature.Rejected.Reason;

/** The Himoya-Signature scheme: exact format, tampering, malformed headers and the replay window. */
class WebhookSignatureTest {
    private static final String SECRET = "demo-secret";
    private static final byte[] BODY = "{\"requestId\":\"x\"}".getBytes(UTF_8);
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String HEX_58 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
    private static final String HEX_62 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    @Test
    void shouldMatchAnIndependentHmac_whenSigning() {
        // Arrange: expected value from `printf '1700000000.{"requestId":"x"}' | openssl dgst -sha256 -hmac demo-secret`
        String expected = "t=1700000000,v1=1a957d323e176487966ab1ecec6820827db21af748401ea70f2b3ba9812189f4";

        // Act
        String header = WebhookSignature.sign(SECRET, BODY, T.plusMillis(999));

        // Assert
        assertThat(header).isEqualTo(expected);
    }

    @Test
    void shouldReturnTheSignedTime_whenHeaderBodyAndSecretMatch() {
        // Arrange
        String header = WebhookSignature.sign(SECRET, BODY, T);

        // Act
        Instant signed = WebhookSignature.verify(SECRET, header, BODY, T.plusSeconds(10));

        // Assert
        assertThat(signed).isEqualTo(T);
    }

    @Test
    void shouldRefuseAsMismatch_whenBodyIsTampered() {
        String header = WebhookSignature.sign(SECRET, BODY, T);
        byte[] tampered = "{\"requestId\":\"y\"}".getBytes(UTF_8);

        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, tampered, T))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void shouldRefuseAsMismatch_whenTimestampIsChangedButMacKept() {
        String header = WebhookSignature.sign(SECRET, BODY, T).replace("t=1700000000", "t=1700000001");

        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, BODY, T))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void shouldRefuseAsMismatch_whenMacIsChangedOrSecretDiffers() {
        String header = WebhookSignature.sign(SECRET, BODY, T);
        char last = header.charAt(header.length() - 1);
        String flipped = header.substring(0, header.length() - 1) + (last == '0' ? '1' : '0');

        assertThat(reason(() -> WebhookSignature.verify(SECRET, flipped, BODY, T))).isEqualTo(Reason.MISMATCH);
        assertThat(reason(() -> WebhookSignature.verify("other-secret", header, BODY, T))).isEqualTo(Reason.MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "t=1700000000", "v1=" + HEX, "t=1700000000,v1=" + HEX + ",t=1700000000",
            "t=1700000000,v1=" + HEX + ",v1=" + HEX, "t=1700000000,v1=" + HEX + ",v2=" + HEX,
            "t=1700000000, v1=" + HEX, " t=1700000000,v1=" + HEX, "t=1700000000,v1=" + HEX + ",",
            "t=1700000000;v1=" + HEX, "t=01700000000,v1=" + HEX, "t=-1,v1=" + HEX, "t=+1700000000,v1=" + HEX,
            "t=1700000000.5,v1=" + HEX, "t=,v1=" + HEX, "t=1700000000,v1=", "t=1700000000,v1=" + HEX + "00",
            "t=1700000000,v1=ABCDEF" + HEX_58, "t=1700000000,v1=zz" + HEX_62, "T=1700000000,v1=" + HEX,
            "=1700000000,v1=" + HEX, "t=1700000000,v1" })
    void shouldRefuseAsMalformed_whenHeaderIsNotExactlyOneTAndOneV1(String header) {
        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, BODY, T))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void shouldRefuseAsMalformed_whenHeaderIsMissingOrHuge() {
        assertThat(reason(() -> WebhookSignature.verify(SECRET, null, BODY, T))).isEqualTo(Reason.MALFORMED);
        String huge = "t=1700000000,v1=" + HEX + "x".repeat(500);
        assertThat(reason(() -> WebhookSignature.verify(SECRET, huge, BODY, T))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void shouldAcceptPartsInEitherOrder_whenBothAreThereOnce() {
        String[] parts = WebhookSignature.sign(SECRET, BODY, T).split(",");

        assertThat(WebhookSignature.verify(SECRET, parts[1] + "," + parts[0], BODY, T)).isEqualTo(T);
    }

    @Test
    void shouldAcceptUpToTheWindowEdge_whenSignedInThePastOrFuture() {
        String header = WebhookSignature.sign(SECRET, BODY, T);
        Duration window = WebhookSignature.DEFAULT_WINDOW;

        assertThat(WebhookSignature.verify(SECRET, header, BODY, T.plus(window))).isEqualTo(T);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, T.minus(window))).isEqualTo(T);
    }

    @Test
    void shouldRefuseAsStale_whenOutsideTheWindowOnEitherSide() {
        String header = WebhookSignature.sign(SECRET, BODY, T);
        Duration window = WebhookSignature.DEFAULT_WINDOW;

        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, BODY, T.plus(window).plusSeconds(1))))
                .isEqualTo(Reason.STALE);
        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, BODY, T.minus(window).minusSeconds(1))))
                .isEqualTo(Reason.STALE);
        assertThat(reason(() -> WebhookSignature.verify(SECRET, header, BODY, T.plusSeconds(61),
                Duration.ofMinutes(1))))
                .isEqualTo(Reason.STALE);
    }

    @Test
    void shouldSayMismatchNotStale_whenAnOldMessageIsForged() {
        String forged = "t=1,v1=" + HEX;

        assertThat(reason(() -> WebhookSignature.verify(SECRET, forged, BODY, T))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void shouldEchoNeitherSecretNorBodyNorHeader_whenRefusing() {
        String header = WebhookSignature.sign(SECRET, BODY, T);
        for (Instant now : new Instant[] { T, T.plusSeconds(3600) }) {
            for (String h : new String[] { header, header + ",x=" + SECRET, "t=1700000000,v1=" + HEX }) {
                Rejected r = catchThrowableOfType(Rejected.class,
                        () -> WebhookSignature.verify(SECRET, h, "{\"email\":\"a@b.uz\"}".getBytes(UTF_8), now));
                assertThat(r.getMessage()).doesNotContain(SECRET).doesNotContain("a@b.uz").doesNotContain(HEX)
                        .doesNotContain("1700000000");
            }
        }
    }

    @Test
    void shouldRefuseAnEmptySecret_whenSigning() {
        assertThatThrownBy(() -> WebhookSignature.sign("", BODY, T)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Reason reason(Runnable verify) {
        return catchThrowableOfType(Rejected.class, verify::run).reason();
    }
}
