package io.casetrail.platform.axon;

import java.util.Map;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

import io.casetrail.platform.errors.InvalidInput;

/**
 * A client's {@code If-Match} on a command: the version of the aggregate it last saw (a command's answer names it
 * as {@code version}). The command carries it in its metadata; an aggregate at another version refuses the command
 * before anything is stored (409 {@code stale-version}), so a client acting on what it read does not overwrite what
 * another changed meanwhile. Without the header a command applies to the aggregate as it is.
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

    /** Finds a command's aggregate by its annotations, and its expected version in its metadata where given. */
    static final class Resolver implements CommandTargetResolver {

        private final CommandTargetResolver annotations = AnnotationCommandTargetResolver.builder().build();

        @Override
        public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
            VersionedAggregateIdentifier target = annotations.resolveTarget(command);
            return command.getMetaData().get(KEY) instanceof Number expected
                    ? new VersionedAggregateIdentifier(target.getIdentifierValue(), expected.longValue())
                    : target;
        }
    }
}
