package dev.xaa4j.desktop;

import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.desktop.AiClientOffer.Offer;
import dev.xaa4j.desktop.DesktopModel.View;
import java.util.List;
import java.util.Optional;

/**
 * The first run on a managed machine (docs/admin.md "First run on a managed machine"), without JavaFX: follows the
 * model's views; when the configuration changes it works out what the organization's policy fixes ({@link Managed})
 * and whether this computer can sign in without anyone typing a secret; once the person is signed in, it offers the
 * organization's servers to the AI clients found ({@link AiClientOffer}), once per server. A server the policy
 * adds after an earlier answer is offered again and raises the grouped "Added by your organization" notification
 * ({@link AttentionNotices#addedByOrganization}). Thread-safe; {@link #observe} reads files, so it runs on the
 * model's thread.
 */
final class FirstRun {

    /** Where the results go (called on the observing thread; the app hands them to the FX thread). */
    interface Out {
        /** What the policy fixes now ({@link Managed#none()} without a policy). */
        void managed(Managed managed);

        /** What the person (or their IT department) must do before the sign-in can work, or empty. */
        void setUp(Optional<String> problem);

        /** An offer to show, with one confirm. */
        void offer(Offer offer);
    }

    private final TraySession session;
    private final AiClientOffer offers;
    private final AttentionNotices notices;
    private final Out out;
    private XaaConfig seen;
    private Managed managed = Managed.none();
    private boolean offerOpen;
    private boolean setUpShown;

    FirstRun(TraySession session, AiClientOffer offers, AttentionNotices notices, Out out) {
        this.session = session;
        this.offers = offers;
        this.notices = notices;
        this.out = out;
    }

    /**
     * Follows a new view of the model (on the model's thread, in order). Never throws: a configuration that cannot
     * be read (the model shows why) only skips this view's check.
     */
    void observe(View v) {
        try {
            check(v);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(FirstRun.class).debug("first-run check skipped: {}", e.toString());
        }
    }

    private void check(View v) {
        Offer offer = null;
        synchronized (this) {
            XaaConfig cfg = session.config();
            if (!cfg.equals(seen)) {
                seen = cfg;
                managed = Managed.of(session.effective());
                out.managed(managed);
                Optional<String> problem = managed.present() && !v.account().signedIn()
                        ? setUpProblem(cfg.idp(), session.credentialStore(), session.suppliedCredentials()) : Optional.empty();
                setUpShown = problem.isPresent();
                out.setUp(problem);
            } else if (setUpShown && v.account().signedIn()) {
                setUpShown = false; // signed in after all (a key made elsewhere, e.g. `xaa key create`)
                out.setUp(Optional.empty());
            }
            if (managed.present() && v.account().signedIn() && !offerOpen) {
                Optional<Offer> due = offers.due(managed.organizationServers());
                if (due.isPresent()) {
                    offerOpen = true;
                    offer = due.get();
                    if (offers.answeredBefore()) {
                        notices.addedByOrganization(offer.servers());
                    }
                }
            }
        }
        if (offer != null) {
            out.offer(offer);
        }
    }

    /** Works out what the policy fixes and the set-up notice again with the next view (e.g. a key was just made). */
    synchronized void recheck() {
        seen = null;
    }

    /** What the policy fixes, as last worked out. */
    synchronized Managed managed() {
        return managed;
    }

    /** "Add to AI clients…": every configured server, to the clients found now. Reads the file system. */
    Offer onDemand() {
        return offers.onDemand(List.copyOf(session.config().servers().keySet()));
    }

    /** The person confirmed: the entries are written; returns what was done, in words. */
    String accept(Offer offer) {
        String result = offers.accept(offer);
        closed(offer);
        return result;
    }

    /** "Not now". */
    void decline(Offer offer) {
        if (!offer.onDemand()) {
            offers.decline(offer);
        }
        closed(offer);
    }

    private synchronized void closed(Offer offer) {
        if (!offer.onDemand()) {
            offerOpen = false;
        }
    }

    /**
     * Whether the company sign-in can work with no secret typed: a {@code private_key_jwt} client needs this
     * install's key ({@link InstallClientKey}), a {@code client_secret_*} client a secret that device management
     * put into the keyring. Empty when it can (or when the keyring cannot be read: the sign-in then says why).
     */
    static Optional<String> setUpProblem(IdpSettings idp, CredentialStore store, boolean suppliedCredentials) {
        if (idp == null || idp.authMethod() == null) {
            return Optional.empty();
        }
        try {
            if (idp.authMethod().equals("private_key_jwt") && new InstallClientKey(store).publicKey().isEmpty()) {
                return Optional.of("Your organization set up the company sign-in with this computer's own key, and"
                        + " there is none yet. Choose \"Client key…\", then \"Create key\", and send the public key set it"
                        + " shows to your IT department. For IT: register this install's JWKS for the client \""
                        + idp.clientId() + "\" at the sign-in service (IdP), then the person signs in.");
            }
            if (idp.authMethod().startsWith("client_secret") && !suppliedCredentials
                    && store.read(ClientCredentialsSource.secretKey(idp.issuer(), idp.clientId())).isEmpty()) {
                return Optional.of("The company sign-in needs a client secret on this computer, and it is not in the"
                        + " system keyring yet. Ask your IT department: their device management puts it there (the"
                        + " keyring entry that `xaa secret set idp-client-secret` writes); nobody types it.");
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
