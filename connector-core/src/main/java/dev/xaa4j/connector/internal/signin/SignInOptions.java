package dev.xaa4j.connector.internal.signin;

import java.time.Duration;
import java.util.List;

/**
 * How to run an interactive sign-in.
 *
 * @param extraScopes     scopes beyond {@code openid} (offline_access is added when the IdP supports it)
 * @param timeout         how long to wait for the browser to come back (default 5 min)
 * @param redirectHost    {@code 127.0.0.1} (default, RFC 8252 §7.3) or {@code localhost} for IdPs that need it
 * @param browserCommand  a command given the URL; {@code null} = the {@code BROWSER} environment variable,
 *                        then the desktop browser, else the URL is printed to stderr
 */
public record SignInOptions(List<String> extraScopes, Duration timeout, String redirectHost, String browserCommand) {

    public static SignInOptions defaults() {
        return new SignInOptions(List.of("email", "profile"), Duration.ofMinutes(5), "127.0.0.1", null);
    }
}
