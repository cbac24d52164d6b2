package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.policy.Policy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>Dev-only auto-approve mode</b> of the sample IdP: while on, {@code GET /authorize} signs the configured
 * policy user in without a login form or password and redirects straight back with a code (for {@code ./demo},
 * whose browser step is then a plain redirect follower). Off unless the issuer was started with
 * {@code --dev-auto-approve USER} ({@code IssuerSettings#withDevAutoApprove}); then a warning is logged at start.
 * While on, the administrator switches the user with {@code POST /admin/dev-auto-approve}; a mode that is off
 * cannot be switched on at run time. Thread-safe: the user is one atomic reference.
 */
public final class DevAutoApprove {

    private static final Logger LOG = LoggerFactory.getLogger(DevAutoApprove.class);

    /** The user signed in at {@code /authorize}; {@code null} when the mode is off (it then stays off). */
    private final AtomicReference<String> user;

    /**
     * @throws IllegalArgumentException when {@code user} is not a user of {@code policy}
     */
    DevAutoApprove(Optional<String> user, Policy policy) {
        user.ifPresent(u -> requireUser(policy, u));
        this.user = new AtomicReference<>(user.orElse(null));
        user.ifPresent(u -> LOG.warn("DEV-ONLY AUTO-APPROVE MODE: every sign-in at /authorize is approved as '{}' "
                + "without a login form or password. For demos on this machine only; never where real people sign in.", u));
    }

    /** The user to sign in without a form, or empty when the mode is off. */
    public Optional<String> user() {
        return Optional.ofNullable(user.get());
    }

    /**
     * Makes {@code next} the auto-approved user.
     *
     * @throws IllegalStateException    when the mode is off
     * @throws IllegalArgumentException when {@code next} is not a user of {@code policy}
     */
    void switchTo(String next, Policy policy) {
        if (user.get() == null) {
            throw new IllegalStateException("dev-only auto-approve mode is off; start the sample issuer with "
                    + "--dev-auto-approve USER to use it");
        }
        requireUser(policy, next);
        user.set(next);
        LOG.warn("DEV-ONLY AUTO-APPROVE MODE: sign-ins are now approved as '{}'", next);
    }

    private static void requireUser(Policy policy, String name) {
        if (name == null || policy.user(name).isEmpty()) {
            throw new IllegalArgumentException("dev auto-approve: unknown user "
                    + (name == null ? "(missing)" : "'" + name + "'") + "; the policy's users: "
                    + policy.users().stream().map(Policy.User::username).toList());
        }
    }
}
