package io.casetrail.platform.axon;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Something a handler gathers over a whole processor batch (the root unit of work) and acts on once, when the batch
 * prepares to commit, inside its transaction: the relay's pending sends, a projection's pending rows.
 */
public final class BatchResources {

    private BatchResources() {
    }

    /**
     * The current batch's resource under {@code key}; the first call of a batch creates it and registers
     * {@code atPrepareCommit} for it.
     */
    public static <T> T ofCurrentBatch(String key, Supplier<T> create, Consumer<T> atPrepareCommit) {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        T existing = batch.getResource(key); // most calls: without the lambda computing it would need
        if (existing != null) {
            return existing;
        }
        return batch.getOrComputeResource(key, k -> {
            T resource = create.get();
            batch.onPrepareCommit(u -> atPrepareCommit.accept(resource));
            return resource;
        });
    }
}
