package io.casetrail.orgadmin.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.InvalidInput;

/** The cursors of the directory's lists (research, the admin view): an id goes in and comes out whole. */
class DirectoryCursorsTest {

    @Test
    void aCursorGivesBackItsIdWholeWhateverTheIdHolds() {
        for (String id : new String[] {"00u1alice", "a|b", "|", "ü-x:y", ""}) {
            assertThat(DirectoryStore.afterId(DirectoryStore.cursor(id))).isEqualTo(id);
        }
        assertThat(DirectoryStore.afterId(null)).isNull();
    }

    @Test
    void anIdOrAnotherListsCursorIsNoCursor() {
        for (String notOne : new String[] {"00p1", "ftrBASE", "00u1alice", "%%%", Page.cursor("2026-11-28T10:00:00Z",
                "00u1alice"), ""}) {
            assertThatThrownBy(() -> DirectoryStore.afterId(notOne)).as(notOne).isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("not a cursor");
        }
    }
}
