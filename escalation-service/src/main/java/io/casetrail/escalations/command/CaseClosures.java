package io.casetrail.escalations.command;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import jakarta.inject.Singleton;

import org.axonframework.commandhandling.gateway.CommandGateway;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.Topics;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.escalations.command.EscalationCommands.WithdrawForClosedCase;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * When a case closes ({@code casetrail.case.v1}), withdraws its escalations that Engineering has not taken yet:
 * nobody should approve, or pick from the board, work for a case that is over. Those an engineer took stay with
 * Engineering until support closes or withdraws them. The withdrawals commit with the consumer's record of the
 * closure; each escalation decides for itself ({@link WithdrawForClosedCase}), so a closure delivered again, or
 * replayed after a reopen and a new escalation, withdraws nothing more.
 */
@Singleton
public class CaseClosures implements CloudEventConsumer {

    private static final String CLOSED = EventCatalog.typeOf(CaseClosed.class);

    private final EscalationsByCase byCase;
    private final CommandGateway commands;
    private final Clock clock;

    public CaseClosures(EscalationsByCase byCase, CommandGateway commands, Clock clock) {
        this.byCase = byCase;
        this.commands = commands;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "case-closures";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.CASE);
    }

    @Override
    public void apply(CloudEvent event) {
        if (!CLOSED.equals(event.type()) || event.caseId() == null) {
            return;
        }
        Instant closedAt = event.time() == null ? clock.instant() : event.time();
        for (String escalationId : byCase.of(event.caseId())) {
            commands.sendAndWait(new WithdrawForClosedCase(escalationId, closedAt));
        }
    }
}
