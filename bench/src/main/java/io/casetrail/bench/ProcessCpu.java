package io.casetrail.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * The CPU time used by the processes a benchmark puts to work: the service under load, PostgreSQL (every process
 * whose program is {@code postgres}: the server and its backends) and this JVM (the load's clients and the Kafka
 * broker). Divided by the units of work done between two readings, it tells what one unit costs each of them, a
 * figure the host's speed, which moves a rate by a fifth from one run to the next here, moves far less: a change to
 * the service is measured by it.
 */
final class ProcessCpu {

    /** CPU time used so far by each, in nanoseconds (a process that is gone, or unreadable, counts none). */
    record Reading(long service, long database, long bench) {

        /** Milliseconds of CPU each used since {@code earlier}, per unit of work of the {@code units} done since. */
        PerUnit perUnitSince(Reading earlier, long units) {
            double per = units <= 0 ? Double.NaN : 1e6 * units;
            return new PerUnit((service - earlier.service) / per, (database - earlier.database) / per,
                    (bench - earlier.bench) / per);
        }
    }

    /** Milliseconds of CPU one unit of work cost the service, PostgreSQL and the benchmark's JVM. */
    record PerUnit(double serviceMs, double databaseMs, double benchMs) {

        double totalMs() {
            return serviceMs + databaseMs + benchMs;
        }
    }

    private ProcessCpu() {
    }

    static Reading read(ProcessHandle service) {
        long database = ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(ProcessCpu::isPostgres).orElse(false))
                .mapToLong(ProcessCpu::nanos).sum();
        return new Reading(nanos(service), database, nanos(ProcessHandle.current()));
    }

    private static boolean isPostgres(String command) {
        return command.equals("postgres") || command.endsWith("/postgres");
    }

    private static long nanos(ProcessHandle process) {
        Optional<Duration> used = process.info().totalCpuDuration();
        return used.map(Duration::toNanos).orElse(0L);
    }
}
