package dev.xaa4j.connector.host.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The first of several stores that holds a policy (docs/admin.md "Where the policy is": one place is used, none merged). */
record FirstPolicyStore(List<PolicyStore> stores) implements PolicyStore {

    FirstPolicyStore {
        stores = List.copyOf(stores);
    }

    @Override
    public String where() {
        return stores.stream().map(PolicyStore::where).collect(Collectors.joining(", then "));
    }

    @Override
    public Optional<ManagedPolicy> read() {
        for (PolicyStore s : stores) {
            Optional<ManagedPolicy> p = s.read(); // a malformed one throws: a lower one must not silently take over
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    @Override
    public String fingerprint() {
        return stores.stream().map(PolicyStore::fingerprint).collect(Collectors.joining("|"));
    }
}
