package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.AbstractTokenEntry;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.GenericTokenTableFactory;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's token store moves a batch's token only once every record of the batch is acknowledged, and does so in
 * the next batch's transaction, while idle, or at release; a batch that is not acknowledged, or that rolls back,
 * never moves it. Axon's processor calls the store as these tests do: within the batch's unit of work as it begins,
 * and outside one when idle or releasing.
 */
class AcknowledgedTokensTest {

    private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(1);

    private static final String RELAY = "kafka-relay";
    private static final String SENDS = "sends";

    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final List<List<? extends Future<?>>> awaited = new ArrayList<>();
    private AcknowledgedTokens tokens;
    private JdbcTokenStore nodeA;
    private JdbcTokenStore nodeB;
    private final Clock realTokenClock = AbstractTokenEntry.clock;

    /** Sends as the relay's: the batch's futures, awaited in order; the waits are recorded. */
    private final AcknowledgedTokens.Sends sends = new AcknowledgedTokens.Sends() {
        @Override
        public List<? extends Future<?>> of(UnitOfWork<?> batch) {
            List<Future<?>> sends = batch.getResource(SENDS);
            return sends == null ? List.of() : sends;
        }

        @Override
        public void await(List<? extends Future<?>> sends) {
            awaited.add(sends);
            for (Future<?> send : sends) {
                try {
                    send.get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException("not acknowledged", e);
                }
            }
        }
    };

    @BeforeEach
    void claimTheSegment() {
        store.initializeTokenSegments(RELAY, 1);
        tokens = new AcknowledgedTokens(store, sends);
        assertThat(tokens.fetchToken(RELAY, 0)).isNull();
    }

    @Test
    void aBatchsTokenIsStoredInTheNextBatchOnceItIsAcknowledged() {
        CompletableFuture<Object> first = new CompletableFuture<>();
        batch(1, first);
        // committed, sent, not yet acknowledged: the stored token has not moved, nothing waited
        assertThat(stored()).isNull();
        assertThat(awaited).isEmpty();

        first.complete(null);
        CompletableFuture<Object> second = new CompletableFuture<>();
        batch(2, second);
        assertThat(awaited).containsExactly(List.of(first)); // the second batch waited for the first only
        assertThat(stored()).isEqualTo(token(1));

        // idle: the processor extends its claim, and the last batch's token follows its acknowledgement
        second.complete(null);
        tokens.extendClaim(RELAY, 0);
        assertThat(stored()).isEqualTo(token(2));
        tokens.extendClaim(RELAY, 0);
        assertThat(awaited).hasSize(2);
    }

    @Test
    void aBatchNotAcknowledgedNeverMovesTheTokenAndTheRelayStartsAgainFromTheLastAcknowledged() {
        CompletableFuture<Object> first = CompletableFuture.completedFuture(null);
        batch(1, first);
        CompletableFuture<Object> second = new CompletableFuture<>();
        batch(2, second);
        assertThat(stored()).isEqualTo(token(1));

        second.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
        // the third batch cannot commit: the second was not acknowledged; both are sent again from token 1
        assertThatThrownBy(() -> batch(3, CompletableFuture.completedFuture(null)))
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        assertThat(stored()).isEqualTo(token(1));
        tokens.extendClaim(RELAY, 0);
        tokens.releaseClaim(RELAY, 0);
        assertThat(stored()).isEqualTo(token(1));
    }

    @Test
    void aBatchThatRollsBackLeavesTheOneBeforeItToBeStoredAndNothingOfItsOwn() {
        batch(1, CompletableFuture.completedFuture(null));
        UnitOfWork<?> failing = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("event"));
        tokens.storeToken(token(2), RELAY, 0);
        failing.resources().put(SENDS, List.of(CompletableFuture.completedFuture(null)));
        failing.rollback(new IllegalStateException("a handler failed"));
        assertThat(stored()).isNull();
        // the processor releases its claim and starts again from the store: the first batch was acknowledged
        tokens.releaseClaim(RELAY, 0);
        assertThat(stored()).isEqualTo(token(1));
        tokens.extendClaim(RELAY, 0);
        assertThat(stored()).isEqualTo(token(1));
    }

    @Test
    void theRelaysSegmentsCannotBeSplitOrMerged() {
        // Axon would split or merge with the processor's position, a batch ahead of what Kafka acknowledged
        assertThatThrownBy(() -> tokens.initializeSegment(token(1), RELAY, 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tokens.deleteToken(RELAY, 0)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(store.fetchSegments(RELAY)).containsExactly(0);
    }

    @Test
    void releasingTheClaimStoresAnAcknowledgedBatchAndDropsAFailedOne() {
        batch(1, CompletableFuture.completedFuture(null));
        tokens.releaseClaim(RELAY, 0);
        assertThat(stored()).isEqualTo(token(1));

        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(1));
        batch(2, CompletableFuture.failedFuture(new IllegalStateException("not acknowledged")));
        tokens.releaseClaim(RELAY, 0); // does not throw: the batch is sent again after the next claim
        assertThat(stored()).isEqualTo(token(1));
    }

    @Test
    void aTokenStoredOutsideABatchWaitsForTheBatchBefore() {
        CompletableFuture<Object> first = CompletableFuture.completedFuture(null);
        batch(1, first);
        // the processor moves its token over events the relay does not handle, in a transaction of its own
        tokens.storeToken(token(5), RELAY, 0);
        assertThat(awaited).containsExactly(List.of(first));
        assertThat(stored()).isEqualTo(token(5));
    }

    @Test
    void aNodeThatLostItsClaimSendsNothingMoreAndNeverStoresItsTokens() throws Exception {
        nodeAHoldsABatchNotYetStored();

        passClaimTimeout(); // node b takes the segment
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull();
        // node a's next batch fails (as it begins, before anything is sent), and node a stores nothing
        CompletableFuture<Object> unsent = new CompletableFuture<>();
        assertThatThrownBy(() -> batch(2, unsent)).isInstanceOf(UnableToClaimTokenException.class);
        tokens.releaseClaim(RELAY, 0); // its attempt to store the first batch's token is refused, quietly
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull(); // node b goes on from the stored token, and owns it

        // and a node whose claim went before any batch of its own is stopped as its first batch begins
        passClaimTimeout();
        assertThat(tokens.fetchToken(RELAY, 0)).isNull(); // node a claims it back
        passClaimTimeout();
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull(); // and loses it again
        tokens = new AcknowledgedTokens(nodeA, sends);
        assertThatThrownBy(() -> batch(3, unsent)).isInstanceOf(UnableToClaimTokenException.class);
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull();
    }

    /**
     * A node that lost its claim with a batch whose token it had not stored forgets that batch: claiming the segment
     * back later, it goes on from the token the other node stored, and never writes its old token over it.
     */
    @Test
    void aNodeThatClaimsTheSegmentBackNeverStoresATokenFromBeforeItLostIt() {
        nodeAHoldsABatchNotYetStored();

        passClaimTimeout(); // node b takes the segment, relays on to 5 and lets it go
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull();
        nodeB.storeToken(token(5), RELAY, 0);
        nodeB.releaseClaim(RELAY, 0);
        tokens.releaseClaim(RELAY, 0); // node a's first batch is dropped: node b's token covers it

        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(5)); // node a claims it back
        batch(6, CompletableFuture.completedFuture(null));
        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(5)); // not set back to 1
        tokens.extendClaim(RELAY, 0); // idle: the acknowledged batch's token is stored
        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(6));
    }

    /**
     * The same when node a lets the segment go while node b still holds it: its batch is forgotten as its store is
     * refused, and stays forgotten when node a claims the segment back and relays its next batch.
     */
    @Test
    void aBatchWhoseStoreIsRefusedIsNeverStoredLater() {
        nodeAHoldsABatchNotYetStored();
        passClaimTimeout();
        assertThat(nodeB.fetchToken(RELAY, 0)).isNull(); // node b holds the segment
        tokens.releaseClaim(RELAY, 0); // node a's store of its batch is refused

        nodeB.storeToken(token(5), RELAY, 0); // node b relays on and lets it go
        nodeB.releaseClaim(RELAY, 0);
        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(5)); // node a claims it back
        batch(6, CompletableFuture.completedFuture(null));
        assertThat(tokens.fetchToken(RELAY, 0)).isEqualTo(token(5)); // its old batch not stored in the new one's
    }

    /** Moves Axon's token clock past the claim timeout: another node may now take the segment. */
    private static void passClaimTimeout() {
        AbstractTokenEntry.clock = Clock.offset(AbstractTokenEntry.clock, CLAIM_TIMEOUT.multipliedBy(2));
    }

    /**
     * Axon's JDBC token store (with owners and claims) on an in-memory database, as two nodes see it, the relay's
     * one segment initialised; claims time out on Axon's token clock, which the tests move (a pause of the test
     * thread never decides who holds the claim). Node a claims the segment and relays a batch, acknowledged, whose
     * token it has not stored yet.
     */
    private void nodeAHoldsABatchNotYetStored() {
        org.h2.jdbcx.JdbcDataSource database = new org.h2.jdbcx.JdbcDataSource();
        database.setURL("jdbc:h2:mem:acknowledged-tokens-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        nodeA = jdbcStore(database, "node-a");
        nodeA.createSchema(GenericTokenTableFactory.INSTANCE);
        nodeA.initializeTokenSegments(RELAY, 1);
        nodeB = jdbcStore(database, "node-b");
        tokens = new AcknowledgedTokens(nodeA, sends);
        assertThat(tokens.fetchToken(RELAY, 0)).isNull();
        batch(1, CompletableFuture.completedFuture(null));
    }

    @AfterEach
    void realTokenClock() {
        AbstractTokenEntry.clock = realTokenClock;
    }

    private static JdbcTokenStore jdbcStore(javax.sql.DataSource database, String node) {
        return JdbcTokenStore.builder().connectionProvider(database::getConnection)
                .serializer(JacksonSerializer.defaultSerializer()).claimTimeout(CLAIM_TIMEOUT).nodeId(node)
                .build();
    }

    /** One relay batch as Axon's processor runs it: token first, then the sends, then the commit. */
    private void batch(long position, Future<?>... sends) {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("event"));
        try {
            tokens.storeToken(token(position), RELAY, 0);
            batch.resources().put(SENDS, List.of(sends));
        } catch (RuntimeException e) {
            batch.rollback(e);
            throw e;
        }
        batch.commit();
    }

    private TrackingToken stored() {
        return store.fetchToken(RELAY, 0);
    }

    private static TrackingToken token(long position) {
        return new GlobalSequenceTrackingToken(position);
    }
}
