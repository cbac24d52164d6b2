package dev.xaa4j.connector.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy policy of every HTTP client: environment variables, Java properties, NO_PROXY, loopback direct. */
@Timeout(10)
class ProxySelectionTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static String via(ProxySelection s, String url) {
        Proxy p = s.proxyFor(URI.create(url));
        if (p.type() == Proxy.Type.DIRECT) {
            return "direct";
        }
        InetSocketAddress a = (InetSocketAddress) p.address();
        return a.getHostString() + ":" + a.getPort();
    }

    @Test
    void upperAndLowerCaseVariablesChooseTheProxyPerScheme() {
        assertThat(via(new ProxySelection(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"), props()), "https://notes.example/mcp"))
                .isEqualTo("proxy.corp:3128");
        assertThat(via(new ProxySelection(Map.of("https_proxy", "proxy.corp:8080/"), props()), "https://notes.example/mcp"))
                .isEqualTo("proxy.corp:8080");
        ProxySelection both = new ProxySelection(Map.of("HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:2"), props());
        assertThat(via(both, "http://notes.example/mcp")).as("lower case wins, as in curl").isEqualTo("lower:2");
        assertThat(via(both, "https://notes.example/mcp")).as("http_proxy is not used for https").isEqualTo("direct");
        assertThat(via(new ProxySelection(Map.of("http_proxy", "http://p"), props()), "http://n.example")).isEqualTo("p:80");
    }

    @Test
    void loopbackAlwaysGoesDirect() {
        ProxySelection s = new ProxySelection(Map.of("HTTPS_PROXY", "http://p:1", "HTTP_PROXY", "http://p:1"),
                props("https.proxyHost", "q", "http.proxyHost", "q"));
        for (String url : new String[] {"http://127.0.0.1:8080/x", "https://localhost/x", "http://[::1]:9/x",
                "http://127.1.2.3/", "http://LOCALHOST:8080/", "http://[0:0:0:0:0:0:0:1]/"}) {
            assertThat(via(s, url)).as(url).isEqualTo("direct");
        }
    }

    @Test
    void noProxyMatchesHostsDomainsPortsIpsAndStar() {
        ProxySelection s = new ProxySelection(Map.of("HTTPS_PROXY", "http://p:1",
                "no_proxy", " internal.test, .corp.example ,10.0.0.7, api.example:8443,[fd00::1]"), props());
        assertThat(via(s, "https://internal.test/")).isEqualTo("direct");
        assertThat(via(s, "https://notes.internal.test/")).isEqualTo("direct");
        assertThat(via(s, "https://xinternal.test/")).as("a suffix, not a domain").isEqualTo("p:1");
        assertThat(via(s, "https://a.corp.example/")).isEqualTo("direct");
        assertThat(via(s, "https://10.0.0.7/")).isEqualTo("direct");
        assertThat(via(s, "https://api.example:8443/")).isEqualTo("direct");
        assertThat(via(s, "https://api.example/")).as("other port").isEqualTo("p:1");
        assertThat(via(s, "https://[fd00::1]/")).isEqualTo("direct");
        assertThat(via(new ProxySelection(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "*"), props()), "https://a/"))
                .isEqualTo("direct");
    }

    @Test
    void javaPropertiesSetExplicitlyWinOverTheEnvironment() {
        ProxySelection s = new ProxySelection(Map.of("HTTPS_PROXY", "http://env:1", "NO_PROXY", "skip.example"),
                props("https.proxyHost", "prop", "https.proxyPort", "3128", "http.nonProxyHosts", "*.internal|direct.example"));
        assertThat(via(s, "https://notes.example/")).isEqualTo("prop:3128");
        assertThat(via(s, "https://skip.example/")).as("NO_PROXY belongs to the env proxy").isEqualTo("prop:3128");
        assertThat(via(s, "https://a.internal/")).isEqualTo("direct");
        assertThat(via(s, "https://direct.example/")).isEqualTo("direct");
        assertThat(via(new ProxySelection(Map.of(), props("https.proxyHost", "prop")), "https://n/")).isEqualTo("prop:443");
        assertThat(via(new ProxySelection(Map.of(), props()), "https://n/")).isEqualTo("direct");
    }

    @Test
    void anUnusableProxyVariableIsAClearConfigurationError() {
        assertThatThrownBy(() -> new ProxySelection(Map.of("HTTPS_PROXY", "https://p:443"), props()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("HTTPS_PROXY").hasMessageContaining("http://host:port");
        assertThatThrownBy(() -> new ProxySelection(Map.of("http_proxy", "socks5://p:1080"), props()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("http_proxy uses 'socks5://'");
        assertThatThrownBy(() -> new ProxySelection(Map.of("HTTPS_PROXY", "http://p:99999"), props()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
        assertThatThrownBy(() -> new ProxySelection(Map.of(), props("https.proxyHost", "p", "https.proxyPort", "x")).proxyFor(URI.create("https://n/")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("https.proxyPort");
    }

    @Test
    void aProxyUrlWithCredentialsIsRefusedNamingTheVariableWithoutShowingThem() {
        for (String name : new String[] {"HTTPS_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"}) {
            assertThatThrownBy(() -> new ProxySelection(Map.of(name, "http://alice:pa55word@proxy.corp:8080"), props()))
                    .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                    .hasMessageStartingWith(name + " carries a user name and password")
                    .hasMessageContaining("proxy authentication is not supported")
                    .hasMessageContaining(name + "=http://proxy.corp:8080")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa55word").doesNotContain("alice"));
        }
    }

    @Test
    void doctorNamesTheVariableAsItIsSpelt() {
        assertThat(new ProxySelection(Map.of("https_proxy", "http://p:1", "HTTP_PROXY", "http://q:2"), props()).describe())
                .startsWith("https via p:1 (https_proxy), http via q:2 (HTTP_PROXY)");
        assertThat(new ProxySelection(Map.of("https_proxy", "http://p:1", "HTTPS_PROXY", "http://q:2"), props()).describe())
                .as("lower case wins, and is the one named").startsWith("https via p:1 (https_proxy), http direct");
        assertThat(new ProxySelection(Map.of("HTTPS_PROXY", "socks5://p:1", "https_proxy", "http://p:1"), props()).describe())
                .startsWith("https via p:1 (https_proxy)");
    }

    @Test
    void allProxyIsTheFallbackForEverySchemeAndASocksOneIsAnError() {
        ProxySelection all = new ProxySelection(Map.of("ALL_PROXY", "http://all.corp:3128"), props());
        assertThat(via(all, "https://n.example/")).isEqualTo("all.corp:3128");
        assertThat(via(all, "http://n.example/")).isEqualTo("all.corp:3128");
        assertThat(via(all, "http://localhost:9/")).isEqualTo("direct");
        assertThat(all.describe()).startsWith("https via all.corp:3128 (ALL_PROXY), http via all.corp:3128 (ALL_PROXY)");

        ProxySelection specificFirst = new ProxySelection(Map.of("all_proxy", "http://all:1", "HTTPS_PROXY", "http://s:2",
                "NO_PROXY", "skip.example"), props());
        assertThat(via(specificFirst, "https://n.example/")).isEqualTo("s:2");
        assertThat(via(specificFirst, "http://n.example/")).isEqualTo("all:1");
        assertThat(via(specificFirst, "http://skip.example/")).as("NO_PROXY applies to ALL_PROXY too").isEqualTo("direct");
        assertThat(specificFirst.describe()).startsWith("https via s:2 (HTTPS_PROXY), http via all:1 (all_proxy)");

        assertThatThrownBy(() -> new ProxySelection(Map.of("ALL_PROXY", "socks5://s:1080"), props()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageStartingWith("ALL_PROXY uses 'socks5://'");
        assertThatThrownBy(() -> new ProxySelection(Map.of("all_proxy", "socks5h://s:1080", "HTTPS_PROXY", "http://p:1"), props()))
                .as("still the fallback for http").isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageStartingWith("all_proxy uses 'socks5h://'");
        assertThat(via(new ProxySelection(Map.of("ALL_PROXY", "socks5://s:1080", "HTTPS_PROXY", "http://p:1",
                "HTTP_PROXY", "http://p:1"), props()), "http://n.example/"))
                .as("never used when both schemes have their own variable, so not checked").isEqualTo("p:1");
    }

    @Test
    void proxyPropertiesWinOverAllProxy() {
        ProxySelection s = new ProxySelection(Map.of("ALL_PROXY", "http://all:1"), props("https.proxyHost", "prop", "https.proxyPort", "3128"));
        assertThat(via(s, "https://n.example/")).isEqualTo("prop:3128");
        assertThat(via(s, "http://n.example/")).isEqualTo("all:1");
    }
}
