package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** All companies and their entity sets. Replaced wholesale on reseed. */
final class EntityStore {

    /** The entity sets the simulator serves below {@code companies({id})}, with their EDM type names. */
    static final Map<String, String> COMPANY_SETS = Map.of(
            "customers", "customer",
            "vendors", "vendor",
            "items", "item",
            "documentAttachments", "documentAttachment");

    static final class Company {
        final EntitySet.Entity entity;
        final Map<String, EntitySet> sets = new LinkedHashMap<>();
        /** Next document number per set ("10000", "20000", ...), BC's number series for the CRONUS demo data. */
        final Map<String, AtomicLong> nextNumber = new java.util.concurrent.ConcurrentHashMap<>();

        Company(EntitySet.Entity entity) {
            this.entity = entity;
        }

        UUID id() { return entity.id(); }
    }

    final EdmModel model;
    final EntitySet companies;
    private final Map<UUID, Company> byId = new LinkedHashMap<>();
    private final AtomicLong rowVersion;

    EntityStore(EdmModel model, long seed) {
        this.model = model;
        this.companies = new EntitySet("companies", model.entityType("company"));
        // Row versions look like BC's large SQL timestamps; deterministic per seed.
        this.rowVersion = new AtomicLong(83139268145766L + Math.floorMod(seed, 1_000_000L) * 1000);
    }

    Company addCompany(UUID id, ObjectNode data) {
        EntitySet.Entity e = companies.insert(id, data, nextEtag());
        Company c = new Company(e);
        COMPANY_SETS.forEach((set, type) -> c.sets.put(set, new EntitySet(set, model.entityType(type))));
        byId.put(id, c);
        return c;
    }

    Optional<Company> company(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every entity set: the companies and each company's sets. */
    java.util.stream.Stream<EntitySet> companiesAndSets() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(companies),
                byId.values().stream().flatMap(c -> c.sets.values().stream()));
    }

    String nextEtag() {
        return Etags.forVersion(rowVersion.incrementAndGet());
    }

    /** BC timestamps: UTC with milliseconds, e.g. 2024-01-15T10:22:33.547Z. */
    static String timestamp(Instant t) {
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
