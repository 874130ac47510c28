package io.casetrail.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class TimeOrderedIdentifiersTest {

    @Test
    void axonsMessagesGetTimeOrderedIds() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(TimeOrderedIdentifiers.class);
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(GenericEventMessage.asEventMessage("an event").getIdentifier());
        long after = System.currentTimeMillis();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterAndNoneRepeats() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TimeOrderedIdentifiers.next());
            Thread.sleep(2);
        }
        assertThat(ids).isSorted();

        HashSet<String> many = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            many.add(TimeOrderedIdentifiers.next());
        }
        assertThat(many).hasSize(100_000);
    }
}
