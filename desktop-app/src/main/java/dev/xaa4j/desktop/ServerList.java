package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.desktop.PlainLanguage.Problem;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * "Add server" and "Remove server" of {@link DesktopModel}: a pasted address is checked, discovered (RFC 9728 →
 * RFC 8414; none for a server that takes no sign-in) and saved with the chosen flow ({@code auth} of the shared
 * config, docs/architecture.md "Choosing the flow"); the outcome is feedback in plain words. Thread-safe; the
 * work runs on the model's background executor.
 */
final class ServerList {

    /** Where the outcomes go (the model). */
    interface Outcomes {
        /** The feedback line under the address field. */
        void feedback(String text);

        /**
         * The list changed: {@code added} is the new server's name, or null after a removal of {@code removed};
         * {@code activity} is the activity line.
         */
        void changed(String added, String removed, String activity);
    }

    private final TraySession session;
    private final Executor background;
    private final Supplier<String> idpHost;
    private final Outcomes outcomes;

    ServerList(TraySession session, Executor background, Supplier<String> idpHost, Outcomes outcomes) {
        this.session = session;
        this.background = background;
        this.idpHost = idpHost;
        this.outcomes = outcomes;
    }

    /** Completes with the stored name, or exceptionally after the feedback said why not. */
    CompletableFuture<String> add(String url, AuthMode auth) {
        outcomes.feedback("Checking " + url.strip() + " …");
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (!isWebAddress(url.strip())) {
                    throw new NotAWebAddress();
                }
                TraySession.Added added = session.addServer(url, auth);
                outcomes.feedback(PlainLanguage.added(added.name(), added.metadata(), auth));
                outcomes.changed(added.name(), null, "Added server " + added.name() + " (" + url.strip() + ")");
                return added.name();
            } catch (Exception e) {
                Problem p = e instanceof NotAWebAddress
                        ? new Problem("\"" + url.strip() + "\" is not a web address.", "Paste the full address, starting with https://.")
                        : PlainLanguage.addServerFailure(e, idpHost.get());
                outcomes.feedback("Not added. " + p.text());
                throw new CompletionException(e);
            }
        }, background);
    }

    CompletableFuture<Boolean> remove(String name) {
        return CompletableFuture.supplyAsync(() -> {
            boolean removed = session.removeServer(name);
            if (removed) {
                outcomes.feedback("Removed \"" + name + "\".");
                outcomes.changed(null, name, "Removed server " + name);
            }
            return removed;
        }, background);
    }

    private static final class NotAWebAddress extends Exception {
    }

    static boolean isWebAddress(String s) {
        try {
            URI u = new URI(s);
            return ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
