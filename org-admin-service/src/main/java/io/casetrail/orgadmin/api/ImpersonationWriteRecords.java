package io.casetrail.orgadmin.api;

import jakarta.inject.Singleton;

import io.casetrail.orgadmin.command.AdminCommands.RecordImpersonationWrite;
import io.casetrail.platform.security.SessionWrite;

/**
 * A change a session token tried here (the admin view, an admin action, a consent, a directory import, any path),
 * refused by {@link io.casetrail.platform.security.ReadOnlySessions}: recorded on the session's case as
 * {@code ImpersonationWriteRefused} (the org's System Log as {@code support.org.update} {@code DENY}, the case's
 * timeline).
 */
@Singleton
public class ImpersonationWriteRecords implements SessionWrite.Records {

    @Override
    public Object commandFor(SessionWrite write) {
        return new RecordImpersonationWrite(write.caseNumber(), write.orgId(), write.sessionId(), write.method(),
                write.path(), write.actorId(), write.actorName());
    }
}
