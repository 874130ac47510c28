package io.casetrail.platform.axon;

import java.util.Map;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;

import io.casetrail.platform.errors.InvalidInput;

/**
 * A client's {@code If-Match} on a command: the version of the aggregate it last saw (a command's answer names it
 * as {@code version}). The command carries it in its metadata, and the aggregate checks it once the command's
 * handler has let the command through ({@link #check}, from a command handler interceptor): an aggregate at another
 * version refuses the command (409 {@code stale-version}) and nothing the handler did is stored. Checked after the
 * handler, so that whoever may not act on the aggregate is refused as such, and learns nothing of its version.
 * Without the header a command applies to the aggregate as it is.
 */
public final class ExpectedVersion {

    /** The metadata key of the expected version. */
    public static final String KEY = "expectedVersion";

    private ExpectedVersion() {
    }

    /**
     * The command to send: {@code command} itself without {@code If-Match} (or with {@code *}), else with the version
     * the header names ({@code "3"}, or {@code 3}); anything else is a 400.
     */
    public static Object of(Object command, String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return command;
        }
        String tag = ifMatch.trim();
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (!tag.matches("[0-9]{1,18}")) {
            throw new InvalidInput("If-Match: the version of the case as a command's answer gave it (\"3\")");
        }
        return GenericCommandMessage.asCommandMessage(command).andMetaData(Map.of(KEY, Long.parseLong(tag)));
    }

    /**
     * Refuses the command when it names a version and the aggregate was at another one before its handler ran
     * ({@code versionBefore}); the unit of work then rolls back what the handler applied.
     */
    public static void check(CommandMessage<?> command, String aggregateId, Long versionBefore) {
        if (command.getMetaData().get(KEY) instanceof Number expected && versionBefore != null
                && expected.longValue() != versionBefore) {
            throw new ConflictingAggregateVersionException(aggregateId, expected.longValue(), versionBefore);
        }
    }
}
