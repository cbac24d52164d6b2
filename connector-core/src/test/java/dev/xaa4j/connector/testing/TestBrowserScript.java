package dev.xaa4j.connector.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes an executable shell script that runs {@link TestBrowser} on the test classpath with its arguments. */
public final class TestBrowserScript {
    private TestBrowserScript() {
    }

    /** @return the script path; its output goes to {@code log} */
    public static Path write(Path dir, String user, String password, Path log) throws Exception {
        Path script = dir.resolve("test-browser.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + TestBrowser.class.getName() + " --user '" + user + "' --password '" + password + "' \"$@\" >> '" + log + "' 2>&1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
