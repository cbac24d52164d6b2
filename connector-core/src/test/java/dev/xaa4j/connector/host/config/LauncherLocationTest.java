package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command in a Maven build directory is named with the fix; an installed one, or one outside a project, is not. */
class LauncherLocationTest {

    @TempDir
    Path dir;

    @Test
    void aLauncherInTheTargetDirectoryOfAMavenProjectIsInABuildDirectory() throws Exception {
        Path project = Files.createDirectories(dir.resolve("xaa4j/vscode-bridge"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path launcher = Files.writeString(Files.createDirectories(project.resolve("target")).resolve("xaa"), "#!/bin/sh\n");

        assertThat(LauncherLocation.buildDirectory(launcher)).contains(project.resolve("target").toRealPath());
        assertThat(LauncherLocation.buildDirectoryWarning(launcher).orElseThrow())
                .startsWith("warning: " + launcher + " is in the build directory " + project.resolve("target").toRealPath())
                .contains("`./mvnw clean`", "install xaa4j (the .deb or .tar.gz from distribution/target");
    }

    @Test
    void aSymlinkIntoABuildDirectoryIsResolvedAndClassesBelowTargetCountToo() throws Exception {
        Path project = Files.createDirectories(dir.resolve("p"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path classes = Files.createDirectories(project.resolve("target/classes"));
        Path link = Files.createSymbolicLink(dir.resolve("xaa-link"), classes);

        assertThat(LauncherLocation.buildDirectory(link)).contains(project.resolve("target").toRealPath());
    }

    @Test
    void anInstalledLauncherATargetWithoutPomAndAMissingFileAreNot() throws Exception {
        Path installed = Files.writeString(Files.createDirectories(dir.resolve("opt/xaa4j/bin")).resolve("xaa"), "#!/bin/sh\n");
        Path notMaven = Files.writeString(Files.createDirectories(dir.resolve("other/target")).resolve("xaa"), "#!/bin/sh\n");

        assertThat(LauncherLocation.buildDirectoryWarning(installed)).isEmpty();
        assertThat(LauncherLocation.buildDirectoryWarning(notMaven)).isEmpty();
        assertThat(LauncherLocation.buildDirectoryWarning(dir.resolve("nowhere/target/xaa"))).isEmpty();
    }
}
