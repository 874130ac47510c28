package io.casetrail.platform.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jboss.logging.Logger;

/**
 * The relay's token store: a relay batch's token is stored only once Kafka has acknowledged every record of the
 * batch, and that wait happens while the next batch is being sent, not at the end of each batch.
 *
 * <p>Axon's processor stores a batch's token in the batch's own transaction. Here that call only checks the claim;
 * the batch, once committed, is remembered with its token and its sends, and the next batch's transaction, as it
 * prepares to commit, waits for those acknowledgements and stores that token. With no next batch the processor's
 * claim extension (every second while idle) or its release does it. So the stored token never passes an event Kafka
 * has not acknowledged; a crash, or a batch whose acknowledgements fail, sets the relay back to it, and the batches
 * after it are sent again (consumers drop the repeats by {@code ce_id}), as before, but the broker acknowledges one
 * batch while the relay reads and sends the next.
 *
 * <p>Outside a batch (the processor moving its token over events the relay does not handle) the token is stored at
 * once, after the batch before it is acknowledged. One relay thread per segment; each segment has its own batch.
 */
final class AcknowledgedTokens implements TokenStore {

    private static final Logger LOG = Logger.getLogger(AcknowledgedTokens.class);

    private final TokenStore store;
    private final Sends relay;
    /** Per segment: the last committed batch, its token not yet stored. */
    private final Map<Integer, Sent> unacknowledged = new ConcurrentHashMap<>();

    /** The relay's side: the sends a batch made, and the wait for their acknowledgements. */
    interface Sends {

        /** The sends made in the batch (a root unit of work); none when it sent nothing. */
        List<? extends Future<?>> of(UnitOfWork<?> batch);

        /** Returns once every send is acknowledged; throws if one is not. */
        void await(List<? extends Future<?>> sends);
    }

    /** A committed batch: its token and its records' sends. */
    private record Sent(TrackingToken token, List<? extends Future<?>> sends) {
    }

    AcknowledgedTokens(TokenStore store, Sends relay) {
        this.store = store;
        this.relay = relay;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) {
        if (!CurrentUnitOfWork.isStarted()) {
            settle(processorName, segment);
            store.storeToken(token, processorName, segment);
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        claimed(() -> {
            store.extendClaim(processorName, segment); // checked now, as storing the token would be
            return null;
        }, segment);
        Sent before = unacknowledged.get(segment);
        if (before != null) {
            // a batch that rolls back for another reason leaves the one before it to be stored later
            batch.onPrepareCommit(u -> store(before, processorName, segment));
        }
        batch.afterCommit(u -> unacknowledged.put(segment, new Sent(token, relay.of(batch))));
    }

    /**
     * Waits for the last committed batch of the segment and stores its token, in the caller's transaction, unless
     * the stored token has moved past it since: another node took the segment while this one waited, relayed on
     * and let it go (Axon's JDBC store lets a node claim a segment nobody holds, so storing would succeed and set
     * the relay back to this older token).
     */
    private void settle(String processorName, int segment) {
        Sent before = unacknowledged.get(segment);
        if (before != null) {
            TrackingToken stored = claimed(() -> store.fetchToken(processorName, segment), segment);
            if (stored != null && stored.covers(before.token())) {
                unacknowledged.remove(segment, before);
                return;
            }
            store(before, processorName, segment);
        }
    }

    /**
     * Stores a batch's token once its sends are acknowledged. A batch not acknowledged is forgotten: the caller's
     * transaction fails, and the processor starts again from the token stored before it.
     */
    private void store(Sent batch, String processorName, int segment) {
        try {
            relay.await(batch.sends());
        } catch (RuntimeException e) {
            unacknowledged.remove(segment, batch);
            throw e;
        }
        claimed(() -> {
            store.storeToken(batch.token(), processorName, segment);
            return null;
        }, segment);
        unacknowledged.remove(segment, batch); // stored once its transaction commits; if it does not, no harm
    }

    /**
     * Runs a token store call that needs the segment's claim. Refused, the claim is another node's: the batch this
     * node did not store is forgotten (the other node goes on from the token stored before it), so that, claiming
     * the segment back later, this node never writes that older token over the other's.
     */
    private <T> T claimed(Supplier<T> call, int segment) {
        try {
            return call.get();
        } catch (UnableToClaimTokenException e) {
            unacknowledged.remove(segment);
            throw e;
        }
    }

    @Override
    public void extendClaim(String processorName, int segment) throws UnableToClaimTokenException {
        if (!CurrentUnitOfWork.isStarted()) {
            settle(processorName, segment); // idle: the last batch's token is stored within a second
        }
        store.extendClaim(processorName, segment);
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        try {
            settle(processorName, segment);
        } catch (RuntimeException e) {
            // the batch is sent again by whoever claims the segment next
            LOG.debugf(e, "the last relay batch of segment %d was not acknowledged before its release", segment);
        }
        store.releaseClaim(processorName, segment);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) {
        store.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken) {
        store.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) {
        return store.fetchToken(processorName, segment);
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) {
        return store.fetchToken(processorName, segment);
    }

    /**
     * Refused: Axon splits a segment with the processor's position, which here runs a batch ahead of what Kafka has
     * acknowledged. The relay's segments are fixed when its tokens are first created.
     */
    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment) {
        throw new UnsupportedOperationException("the relay's segments cannot be split");
    }

    /** Refused, as {@link #initializeSegment}: Axon merges segments with the processor's position. */
    @Override
    public void deleteToken(String processorName, int segment) {
        throw new UnsupportedOperationException("the relay's segments cannot be merged");
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return store.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return store.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return store.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return store.retrieveStorageIdentifier();
    }
}
