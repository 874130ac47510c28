package io.casetrail.access.api;

import jakarta.inject.Singleton;

import io.casetrail.access.command.AccessCommands.RecordSessionWrite;
import io.casetrail.platform.security.SessionWrite;

/**
 * A change a session token tried here (support access: a grant, its extension or revocation, an API token, any
 * path), refused by {@link io.casetrail.platform.security.ReadOnlySessions}: recorded on the org as
 * {@code SessionWriteRefused} (the org's System Log as {@code support.org.update} {@code DENY}, the case's
 * timeline).
 */
@Singleton
public class SessionWriteRecords implements SessionWrite.Records {

    @Override
    public Object commandFor(SessionWrite write) {
        return new RecordSessionWrite(write.orgId(), write);
    }
}
