package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.internet.MimeMessage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a verification mail's confirm link, and a request's status, as the deletion tests need them. */
final class ConfirmLinks {
    static final String KEY = "Bearer demo-test-key";
    static final Pattern LINK = Pattern.compile("(http://[^\\s\"<]+/v1/confirm\\?token=)([A-Za-z0-9_-]+)");

    private ConfirmLinks() {
    }

    /** The token of the confirm link in a mail (quoted-printable soft breaks undone). */
    static String token(MimeMessage mail) {
        Matcher m = LINK.matcher(GreenMailUtil.getBody(mail).replace("=\r\n", "").replace("=3D", "="));
        assertThat(m.find()).as("confirm link in mail").isTrue();
        return m.group(2);
    }

    /** The request's status as the app reads it. */
    static String status(String id) {
        return given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then().statusCode(200)
                .extract().path("status");
    }
}
