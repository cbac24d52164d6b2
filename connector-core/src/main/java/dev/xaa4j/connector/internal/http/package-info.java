/**
 * HTTP plumbing shared by every client of the product: {@link dev.xaa4j.connector.internal.http.Network} (which proxy —
 * {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code ALL_PROXY}/{@code NO_PROXY}, Java's proxy properties, loopback
 * direct — and which certificates to trust — the Java trust store plus {@code XAA_CA_BUNDLE}), the proxy policy
 * {@link dev.xaa4j.connector.internal.http.ProxySelection}, the loopback rule {@link dev.xaa4j.connector.internal.http.Loopback},
 * and {@link dev.xaa4j.connector.internal.http.Challenge}, the one parser of {@code WWW-Authenticate} (RFC 9110 §11.6.1).
 */
package dev.xaa4j.connector.internal.http;
