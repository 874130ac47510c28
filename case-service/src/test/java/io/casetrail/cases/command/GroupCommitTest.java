package io.casetrail.cases.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;

import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.LockWaits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Commands sent outside a transaction are committed in groups (platform's {@code GroupCommitCommandBus}), on the
 * service's real store. A group waiting on a row another transaction holds lets the commands sent meanwhile gather
 * into the next group; that group's commit fails when the holder commits an event the group's command also
 * claimed (another instance, in production), and each of its commands is run again alone.
 */
@QuarkusTest
class GroupCommitTest {

    private static final String ORG = "00o-group-commit";
    private static final Caller ADMIN = new Caller("admin-gc", "Gil Commit", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    private static final Caller TSE = new Caller("lead-gc", "Gus", Set.of(Roles.TEAM_LEAD), null,
            Set.of("sso"));

    @Inject
    CommandGateway commands;

    @Inject
    CaseNumbers caseNumbers;

    @Inject
    DataSource dataSource;

    @Inject
    Jdbc jdbc;

    @Inject
    MeterRegistry meters;

    @Test
    void commandsSentWhileAGroupCommitsGoTogetherAndAFailedOneTakesNothingWithIt() throws Exception {
        String held = open();
        String other = open();
        long openingEvents = events(held);
        commands.sendAndWait(new ChangePriority(held, Priority.P2, "user count grew", TSE));
        long heldEvents = events(held);
        long perChange = heldEvents - openingEvents;
        DistributionSummary groups = meters.find("casetrail.commands.group.size").summary();
        long groupsBefore = groups.count();
        double commandsBefore = groups.totalAmount();
        Timer waits = meters.find("casetrail.commands.group.wait").timer();
        Timer durations = meters.find("casetrail.commands.group.duration").timer();
        long waitsBefore = waits.count();
        double waitedBefore = waits.totalTime(TimeUnit.NANOSECONDS);
        long durationsBefore = durations.count();
        double tookBefore = durations.totalTime(TimeUnit.NANOSECONDS);

        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            // another instance's event on `held`, at the sequence number the next command on it will claim: not
            // committed yet, so that command's group waits on its key
            holdNextEvent(holder, held, heldEvents);
            CompletableFuture<Object> first = commands.send(new ChangePriority(held, Priority.P1, "outage", TSE));
            LockWaits.awaitWaiter(dataSource, "domainevententry", Duration.ofSeconds(8));
            long firstWaiting = System.nanoTime();

            // sent while that group waits: these wait for the next one
            List<String> opened = new ArrayList<>();
            List<CompletableFuture<Object>> openings = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String caseNumber = caseNumbers.next();
                opened.add(caseNumber);
                openings.add(commands.send(openCase(caseNumber)));
            }
            CompletableFuture<Object> refused = commands.send(new ConfirmResolution(other, ADMIN));
            CompletableFuture<Object> changed = commands.send(new ChangePriority(other, Priority.P4, "calm", TSE));
            long allSent = System.nanoTime();
            assertThat(first).isNotDone();
            assertThat(openings).noneMatch(CompletableFuture::isDone);
            Thread.sleep(300); // the row held a while longer, so that the timers have a span to show
            long releasing = System.nanoTime();

            holder.commit();

            // the first group lost the race for `held`'s next event: its command ran again alone, after the other's
            first.get(20, TimeUnit.SECONDS);
            assertThat(events(held)).isEqualTo(heldEvents + 1 + perChange);
            for (CompletableFuture<Object> opening : openings) {
                opening.get(20, TimeUnit.SECONDS);
            }
            changed.get(20, TimeUnit.SECONDS);
            assertThat(refused).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(RuleViolation.class);

            // the next group: the five openings and the refusal on `other`; the change on `other`, a second command
            // on the same case, in the group after it, against the case as the refusal left it
            assertThat(groups.count()).isEqualTo(groupsBefore + 2);
            assertThat(groups.totalAmount()).isEqualTo(commandsBefore + 7);
            // the time of each: the seven sent meanwhile waited in the lane while the first group waited on the
            // row; that group's time (its command run again alone included) covers the row's holding, and the
            // groups that committed are counted with it
            assertThat(waits.count()).isEqualTo(waitsBefore + 8);
            assertThat(waits.totalTime(TimeUnit.NANOSECONDS) - waitedBefore).isGreaterThanOrEqualTo(
                    7.0 * (releasing - allSent));
            assertThat(durations.count()).isEqualTo(durationsBefore + 3);
            assertThat(durations.totalTime(TimeUnit.NANOSECONDS) - tookBefore).isGreaterThanOrEqualTo(
                    (double) (releasing - firstWaiting));
            for (String caseNumber : opened) {
                assertThat(events(caseNumber)).as(caseNumber).isEqualTo(openingEvents);
            }
            assertThat(events(other)).isEqualTo(openingEvents + perChange);
            assertThat(jdbc.queryOne("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? AND"
                    + " sequencenumber = ?", row -> row.getString(1), other, openingEvents).orElseThrow())
                    .endsWith("PriorityChanged");
            // each opened case's SLA deadline was written with its events; the refused command wrote nothing
            assertThat(jdbc.queryOne("SELECT COUNT(*) FROM deadline_entry WHERE scope_id IN (?, ?, ?, ?, ?)",
                    row -> row.getLong(1), opened.toArray()).orElseThrow()).isEqualTo(5);
        }
    }

    /**
     * Inserts, on {@code holder}'s open transaction, a copy of the case's last event at the next sequence number (as
     * another instance appending to it would), so that the next command on the case waits for its key.
     */
    static void holdNextEvent(Connection holder, String caseNumber, long events) throws SQLException {
        try (PreparedStatement copy = holder.prepareStatement("INSERT INTO domainevententry (eventidentifier,"
                + " aggregateidentifier, sequencenumber, type, timestamp, payloadtype, payloadrevision, payload,"
                + " metadata) SELECT ?, aggregateidentifier, sequencenumber + 1, type, timestamp, payloadtype,"
                + " payloadrevision, payload, metadata FROM domainevententry WHERE aggregateidentifier = ? AND"
                + " sequencenumber = ?")) {
            copy.setString(1, UUID.randomUUID().toString());
            copy.setString(2, caseNumber);
            copy.setLong(3, events - 1);
            assertThat(copy.executeUpdate()).isEqualTo(1);
        }
    }

    private long events(String caseNumber) {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), caseNumber).orElseThrow();
    }

    private String open() {
        String caseNumber = caseNumbers.next();
        commands.sendAndWait(openCase(caseNumber));
        return caseNumber;
    }

    private static OpenCase openCase(String caseNumber) {
        return new OpenCase(caseNumber, ORG, "https://gc.okta.com", "SAML login fails", "A 400 from the IdP",
                ProductArea.SSO, Priority.P3, ContactPreference.EMAIL, ADMIN.id(), List.of(), ADMIN);
    }
}
