package dev.xaa4j.testing;

import dev.xaa4j.sample.IssuerPerClass;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * For test classes that share one sample issuer over real HTTP: started once per test class on free ports
 * ({@link SampleIssuers#start(Path)}), its state in {@link #issuerState}, closed after the class
 * (sample-issuer's {@link IssuerPerClass}); each test has its own {@link #tmp}. A class that needs other
 * settings hides {@code startIssuer()} with its own {@code @BeforeAll protected static void startIssuer()}. The
 * static fields are reassigned per class, so such classes must not run concurrently (the modules run test
 * classes one by one).
 */
public abstract class SampleIssuerPerClass extends IssuerPerClass {

    @TempDir
    protected Path tmp;
}
