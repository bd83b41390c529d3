package io.bcgateway.simulator;

import java.time.Instant;
import java.util.UUID;

/** Hears every create, update and delete of a company's entity, whether from a single request or a {@code $batch}. */
@FunctionalInterface
interface EntityChangeListener {

    /**
     * @param changeType {@code created}, {@code updated} or {@code deleted}, as BC's notifications name them
     * @param lastModified the row's new lastModifiedDateTime, or null when it has none (a delete)
     */
    void changed(UUID companyId, String entitySet, UUID entityId, String changeType, Instant lastModified);
}
