package dev.xaa4j.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No demo code in what ships (issue 10 item 7): the demo (its scripted browser, the sample issuer's process,
 * its keyring clean-up) is the demo-app module, never inside {@code xaa.jar} or {@code xaa-desktop.jar}, and
 * not in the packages. Reads the jars of the packages' layout, the files the .tar.gz and the .deb carry.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProductJarsTest {

    /** Where demo classes lived and live: the old package inside the bridge, the demo module's own. */
    private static final List<String> DEMO_PACKAGES = List.of("dev/xaa4j/demo/", "dev/xaa4j/bridge/demo/");

    private static Path lib() {
        return Distribution.target().resolve(System.getProperty("xaa4j.dist.name")).resolve("lib");
    }

    @Test
    void theShippedJarsHoldTheirProductAndNoDemoClass() throws Exception {
        assertNoDemo(lib().resolve("xaa.jar"), "dev/xaa4j/bridge/Main.class");
        assertNoDemo(lib().resolve("xaa-desktop.jar"), "dev/xaa4j/desktop/DesktopLauncher.class");
    }

    @Test
    void thePackagesCarryNoDemoJar() throws Exception {
        try (Stream<Path> files = Files.list(lib())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")))
                    .containsExactlyInAnyOrder("xaa.jar", "xaa-desktop.jar");
        }
    }

    /** {@code jar} holds {@code productClass} (it is the real jar) and no entry under a demo package. */
    private static void assertNoDemo(Path jar, String productClass) throws Exception {
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getEntry(productClass)).as(jar + " is the product jar").isNotNull();
            assertThat(j.stream().map(ZipEntry::getName))
                    .as(jar + " carries no demo code")
                    .noneMatch(name -> DEMO_PACKAGES.stream().anyMatch(name::startsWith));
        }
    }
}
