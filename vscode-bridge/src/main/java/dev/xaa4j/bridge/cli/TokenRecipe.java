package dev.xaa4j.bridge.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import java.io.PrintWriter;
import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code xaa token} prints. A Bearer token: the {@code Authorization} header (or its JSON). A DPoP-bound token
 * (RFC 9449) is useless without a proof made with a key that never leaves the process holding it (this one, or the
 * session owner behind the broker), so the output is the recipe instead: {@code Authorization: DPoP …}, one proof
 * for one request ({@code htm}/{@code htu}), the key's RFC 7638 thumbprint ({@code jkt}), and the command that
 * makes the next proof ({@code xaa token SERVER --dpop-proof METHOD URL}): a proof is good for one request only.
 */
final class TokenRecipe {

    static final String DPOP = "DPoP";

    private TokenRecipe() {
    }

    /**
     * Prints {@code token} for {@code server} in {@code format} ({@code header} or {@code json}); a DPoP-bound token
     * with a proof for {@code method} {@code url}. Explanations for people go to {@code err}, never a secret.
     */
    static void print(PrintWriter out, PrintWriter err, TokenSource source, String server, AccessToken token,
                      String format, String method, URI url) {
        print(out, err, source, server, token, format, method, url, Optional.empty());
    }

    /**
     * As {@link #print(PrintWriter, PrintWriter, TokenSource, String, AccessToken, String, String, URI)}; {@code again}
     * is the command that gives the next token with its proof when {@code --dpop-proof} cannot fit this token (it was
     * this process's own: no session owner keeps it, or a {@code --workload} run whose key dies with the process).
     */
    static void print(PrintWriter out, PrintWriter err, TokenSource source, String server, AccessToken token,
                      String format, String method, URI url, Optional<String> again) {
        if (!token.dpopBound()) {
            if (format.equals("header")) {
                out.println("Authorization: " + token.authorizationHeader());
            } else {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put(ProtocolNames.AUTHORIZATION, token.authorizationHeader());
                doc.put("expiresAt", token.expiresAt().toString());
                doc.put("scopes", token.scopes().stream().sorted().toList());
                out.println(json(doc));
            }
            return;
        }
        String htm = method.toUpperCase(Locale.ROOT);
        String proof = proof(source, server, token, htm, url, Optional.empty());
        String next = again.orElse("xaa token " + server + " --dpop-proof METHOD URL");
        if (format.equals("header")) {
            out.println("Authorization: DPoP " + token.value());
            out.println("DPoP: " + proof);
            err.println("The token for '" + server + "' is DPoP-bound (RFC 9449): each request needs a fresh proof for"
                    + " its method and URL. The DPoP line above is good for one " + htm + " to " + DPoPProofs.htu(url)
                    + " only; " + (again.isPresent() ? "for the next request take a new token with its proof: `" + next
                    + "` (" + OWN_TOKEN + ")." : "get the next with `" + next
                    + "` (add --nonce NONCE when the server sent a DPoP-Nonce)."));
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("token_type", DPOP);
        doc.put("access_token", token.value());
        doc.put("expires_at", token.expiresAt().toString());
        doc.put("scopes", token.scopes().stream().sorted().toList());
        doc.put("jkt", thumbprint(proof));
        doc.put(ProtocolNames.AUTHORIZATION, "DPoP " + token.value());
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("htm", htm);
        one.put("htu", DPoPProofs.htu(url).toString());
        one.put(DPOP, proof);
        doc.put("proof", one);
        doc.put("next_proof", next);
        doc.put("note", "send Authorization and a DPoP proof made for that very request (method, URL); a proof is"
                + " used once. The proof above is for one " + htm + " to " + DPoPProofs.htu(url) + "."
                + (again.isPresent() ? " next_proof gives a new token with its proof (" + OWN_TOKEN + ")."
                        : " next_proof makes the proof for the next request; when the server's answer carried a"
                        + " DPoP-Nonce header (RFC 9449 §9, error use_dpop_nonce), add --nonce NONCE with its value and send"
                        + " the request again with that proof."));
        out.println(json(doc));
    }

    /** Why a proof of another {@code xaa token} process would not fit a token this process got on its own. */
    static final String OWN_TOKEN = "this token is this process's own, and a proof names its token (ath): `--dpop-proof`"
            + " fits only a token that `xaa agent` or the tray app keeps for every process";

    /**
     * The command that gives a token with its proof, when a proof made by {@code xaa token --dpop-proof} in another
     * process would not fit {@code token}: a {@code --workload} run (its key lives in that process only), or no
     * session owner keeping the token ({@code tokenShared} false: each process gets a token of its own).
     */
    static Optional<String> again(String server, AccessToken token, boolean tokenShared, Optional<String> workload) {
        if (!token.dpopBound() || (tokenShared && workload.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of("xaa token " + server + workload.map(w -> " --workload " + w).orElse("") + " --format json");
    }

    /**
     * {@code xaa token --dpop-proof} for {@code token} got by this process on its own: refused, since the proof would
     * name a token the person does not hold (the server answers 401 {@code invalid_token}).
     */
    static IllegalArgumentException proofWouldNotFit(String server, String again, boolean workload) {
        return new IllegalArgumentException((workload
                ? "a --workload run keeps its DPoP key in its own process only, so a proof made by another `xaa token`"
                        + " fits no token you hold"
                : "no `xaa agent` or tray app runs, so this `xaa token` got a token of its own and a proof made for it"
                        + " would not fit the token you hold (a proof names its token: ath)")
                + ". Take a token with its proof for each request: `" + again + "`"
                + (workload ? "" : ", or start `xaa agent` first: then every `xaa token` gets the agent's token and"
                        + " `--dpop-proof` fits it"));
    }

    /**
     * A proof for {@code method} {@code url} with {@code token}, made where its key lives.
     *
     * @throws IllegalArgumentException when the token is a Bearer token (it takes no proof)
     */
    static String proof(TokenSource source, String server, AccessToken token, String method, URI url, Optional<String> nonce) {
        return source.dpopProof(token, method.toUpperCase(Locale.ROOT), url, nonce)
                .orElseThrow(() -> new IllegalArgumentException("the token for '" + server + "' is a Bearer token: it needs"
                        + " no DPoP proof (`xaa token " + server + "` prints its Authorization header)"));
    }

    /** The RFC 7638 thumbprint of the public key in the proof's header: the token's {@code cnf.jkt}. */
    private static String thumbprint(String proof) {
        try {
            return SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString();
        } catch (ParseException | JOSEException | RuntimeException e) {
            throw new IllegalStateException("the DPoP proof made for this token is malformed", e);
        }
    }

    private static String json(Map<String, Object> doc) {
        return ConfigStore.toJson(doc).replaceAll("\\s*\\n\\s*", " ");
    }
}
