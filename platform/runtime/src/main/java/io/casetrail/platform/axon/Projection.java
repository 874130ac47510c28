package io.casetrail.platform.axon;

import java.util.List;

/**
 * A read model fed by the service's own event store. Implement it as a CDI bean annotated with
 * {@link org.axonframework.config.ProcessingGroup}; {@link AxonRuntime} gives each processing group its own
 * tracking processor whose batch transaction (JTA) covers the projection's writes and its token, and whose
 * failures roll back and retry rather than skip the event. A projection that writes rows by key can use
 * {@link io.casetrail.platform.store.RowWriter}, which writes a batch's changes together. Projections should be
 * rebuildable: a {@link org.axonframework.eventhandling.ResetHandler} clears what the events will write again.
 */
public interface Projection {

    /**
     * The tables this projection alone writes, emptied by its reset handler. While the projection is rebuilt, their
     * secondary indexes (not the primary key, not unique ones) are dropped and created again at the end, on
     * PostgreSQL: writing half a million rows and then building an index over them costs the database far less than
     * keeping the index current row by row. Queries of these tables find no index while the rebuild runs.
     */
    default List<String> tables() {
        return List.of();
    }
}
