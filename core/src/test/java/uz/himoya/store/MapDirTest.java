package uz.himoya.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;

/** himoya.map-dir (the local run): an own map read from a folder, before the bundled ones, without a rebuild. */
class MapDirTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadTheAppsMapFromTheFolder_whenTheFolderHoldsIt() throws IOException {
        // Arrange: an app that is bundled nowhere
        Files.writeString(dir.resolve("shop.yaml"), bundledDemo().replace("id: demo", "id: shop")
                .replace("name: Demo Market", "name: My Shop"));

        // Act
        PrivacyMap map = AppRegistry.parse("shop", Optional.of(dir));

        // Assert
        assertThat(map.app().id()).isEqualTo("shop");
        assertThat(map.app().name()).isEqualTo("My Shop");
        assertThat(map.source()).isEqualTo(dir.resolve("shop.yaml").toString());
    }

    @Test
    void shouldFallBackToTheBundledMap_whenTheFolderDoesNotHoldIt() {
        assertThat(AppRegistry.parse("demo", Optional.of(dir)).source()).isEqualTo("privacy-maps/demo.yaml");
    }

    @Test
    void shouldNameTheFileAndTheFolder_whenTheMapIsNowhere() {
        assertThatThrownBy(() -> AppRegistry.parse("shop", Optional.of(dir))).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("privacy-maps/shop.yaml").hasMessageContaining(dir.toString());
    }

    @Test
    void shouldNameTheFolderFileAndLine_whenTheOwnMapIsInvalid() throws IOException {
        Files.writeString(dir.resolve("shop.yaml"), bundledDemo().replace("id: demo", "id: shop")
                .replace("jurisdiction: UZ", "jurisdiction: XX"));

        assertThatThrownBy(() -> AppRegistry.parse("shop", Optional.of(dir))).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining(dir.resolve("shop.yaml").toString());
    }

    @Test
    void shouldNeverLeaveTheFolder_whenTheAppIdIsNotAnId() throws IOException {
        // Arrange: a map beside the folder, reachable only through "../"
        Path inner = Files.createDirectories(dir.resolve("maps"));
        Files.writeString(dir.resolve("x.yaml"), bundledDemo());

        // Act / Assert: not read from the folder's parent (and not bundled either)
        assertThatThrownBy(() -> AppRegistry.parse("../x", Optional.of(inner)))
                .isInstanceOf(PrivacyMapException.class).hasMessageContaining("not found");
    }

    private static String bundledDemo() throws IOException {
        try (InputStream in = MapDirTest.class.getClassLoader().getResourceAsStream("privacy-maps/demo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
