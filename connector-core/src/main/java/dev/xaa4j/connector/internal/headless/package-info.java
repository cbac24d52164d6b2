/**
 * The headless flows for agents without a person (docs/architecture.md "Choosing the flow"): client credentials
 * (SEP-1046) and workload-identity jwt-bearer (SEP-1933) — {@link dev.xaa4j.connector.internal.headless.HeadlessFlows}
 * routed to by {@link dev.xaa4j.connector.internal.token.FlowRouter}, and the workload JWT's file or command source
 * ({@link dev.xaa4j.connector.internal.headless.WorkloadJwtSource}). The wire requests are
 * {@link dev.xaa4j.connector.internal.grant.HeadlessGrant}'s. Nothing here logs or keeps a secret or JWT.
 */
package dev.xaa4j.connector.internal.headless;
