package io.casetrail.cases.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;

import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.LockWaits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With two lanes of group commit (case-service's production setting), a group waiting for the database holds up
 * only the commands of its own lane: a command on a case of the other lane is committed meanwhile, and the held
 * command's case keeps its order.
 */
@QuarkusTest
@TestProfile(GroupCommitLanesTest.TwoLanes.class)
class GroupCommitLanesTest {

    public static final class TwoLanes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("casetrail.axon.group-commit.lanes", "2");
        }
    }

    private static final String ORG = "00o-group-lanes";
    private static final Caller ADMIN = new Caller("admin-gl", "Gia Lane", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    private static final Caller LEAD = new Caller("lead-gl", "Gus", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));

    @Inject
    CommandGateway commands;

    @Inject
    CaseNumbers caseNumbers;

    @Inject
    DataSource dataSource;

    @Inject
    Jdbc jdbc;

    @Test
    void aGroupWaitingForTheDatabaseHoldsUpOnlyItsOwnLane() throws Exception {
        String held = open();
        String free = open();
        // an aggregate's lane is its identifier's hash modulo the lanes (GroupCommitCommandBus.laneIndex)
        while (lane(free) == lane(held)) {
            free = open();
        }
        long heldEvents = events(held);
        long freeEvents = events(free);

        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            // another instance's event on `held` at the sequence number its next command claims, not committed yet
            GroupCommitTest.holdNextEvent(holder, held, heldEvents);
            CompletableFuture<Object> waiting = commands.send(new ChangePriority(held, Priority.P1, "outage", LEAD));
            LockWaits.awaitWaiter(dataSource, "domainevententry", Duration.ofSeconds(8));

            // the other lane commits while the first waits
            commands.send(new ChangePriority(free, Priority.P2, "more users", LEAD)).get(20, TimeUnit.SECONDS);
            assertThat(events(free)).isGreaterThan(freeEvents);
            assertThat(waiting).isNotDone();

            holder.commit();
            // the held group lost the race for `held`'s next event: its command ran again alone, after the other's
            waiting.get(20, TimeUnit.SECONDS);
            assertThat(events(held)).isEqualTo(heldEvents + 1 + (events(free) - freeEvents));
        }
    }

    private static int lane(String caseNumber) {
        return Math.floorMod(caseNumber.hashCode(), 2);
    }

    private long events(String caseNumber) {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), caseNumber).orElseThrow();
    }

    private String open() {
        String caseNumber = caseNumbers.next();
        commands.sendAndWait(new OpenCase(caseNumber, ORG, "https://gl.okta.com", "SAML login fails",
                "A 400 from the IdP", ProductArea.SSO, Priority.P3, ContactPreference.EMAIL, ADMIN.id(), List.of(),
                ADMIN));
        return caseNumber;
    }
}
