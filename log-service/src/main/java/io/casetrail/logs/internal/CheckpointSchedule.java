package io.casetrail.logs.internal;

import java.time.Clock;

import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import io.quarkus.scheduler.Scheduled;

/** Signs the chain head every {@code casetrail.internal-log.checkpoint.interval} when entries came since. */
@Singleton
public class CheckpointSchedule {

    private final InternalLog log;
    private final Checkpoints checkpoints;
    private final Clock clock;

    public CheckpointSchedule(InternalLog log, Checkpoints checkpoints, Clock clock) {
        this.log = log;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    @Scheduled(every = "${casetrail.internal-log.checkpoint.interval}", delayed = "${casetrail.internal-log.checkpoint.interval}",
               concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void signHead() {
        InternalLog.Head head = log.lockedHead();
        long signed = checkpoints.latest().map(Checkpoints.Checkpoint::seq).orElse(0L);
        if (head.seq() > signed) {
            checkpoints.sign(head.seq(), head.hash(), clock.instant());
        }
    }
}
