package dev.xaa4j.sample.idp;

/**
 * The IdP's HTML: the sign-in form and the error page shown when the redirect URI cannot be trusted (RFC 6749
 * §4.1.2.1: then the user is told, never redirected). The form posts to {@code /authorize} with fields named
 * exactly {@code username} and {@code password}; everything else is hidden. Every value is HTML-escaped.
 */
public final class LoginPage {

    private LoginPage() {
    }

    /**
     * @param pendingId the server-side pending authorization request
     * @param error     a plain-language message shown above the form, or {@code null}
     */
    static String form(String clientId, String pendingId, String username, String error) {
        return form(IdentityProvider.AUTHORIZE_PATH, clientId, pendingId, username, error);
    }

    /**
     * The sign-in form posting to {@code action} (the plain OAuth AS posts to its own authorization endpoint).
     *
     * @param pendingId the server-side pending authorization request
     * @param error     a plain-language message shown above the form, or {@code null}
     */
    public static String form(String action, String clientId, String pendingId, String username, String error) {
        StringBuilder html = new StringBuilder(1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Sign in</title></head><body>\n")
                .append("<h1>Sign in</h1>\n<p>to continue to <strong>").append(escape(clientId))
                .append("</strong></p>\n");
        if (error != null) {
            html.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        }
        html.append("<form method=\"post\" action=\"").append(escape(action)).append("\">\n")
                .append("<input type=\"hidden\" name=\"").append(AuthorizeServlet.PENDING_PARAM)
                .append("\" value=\"").append(escape(pendingId)).append("\">\n")
                .append("<label>User name <input type=\"text\" name=\"username\" autocomplete=\"username\" value=\"")
                .append(escape(username == null ? "" : username)).append("\" autofocus></label>\n")
                .append("<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\">")
                .append("</label>\n")
                .append("<button type=\"submit\">Sign in</button>\n</form>\n</body></html>\n");
        return html.toString();
    }

    public static String error(String title, String message) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body>\n<h1>" + escape(title) + "</h1>\n<p>" + escape(message)
                + "</p>\n</body></html>\n";
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
