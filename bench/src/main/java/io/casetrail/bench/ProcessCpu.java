package io.casetrail.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CPU time used by the processes a benchmark puts to work: the service under load, PostgreSQL (every process
 * whose program is {@code postgres}: the server and its backends) and this JVM (the load's clients and the Kafka
 * broker). Divided by the units of work done between two readings, it tells what one unit costs each of them, a
 * figure the host's speed, which moves a rate by a fifth from one run to the next here, moves far less: a change to
 * the service is measured by it.
 */
final class ProcessCpu {

    /**
     * CPU time used so far, in nanoseconds: the service's, each PostgreSQL process's by its pid, this JVM's (a process
     * that is gone, or unreadable, counts none).
     */
    record Reading(long service, Map<Long, Long> database, long bench) {

        /**
         * Milliseconds of CPU each used since {@code earlier}, per unit of work of the {@code units} done since. A
         * PostgreSQL backend started since counts all it used; one that ended since (a client's connection closed)
         * counts nothing of what it used in between, which is at most the moments before it ended: a total of all
         * backends at each reading would lose all it had ever used, and could fall.
         */
        PerUnit perUnitSince(Reading earlier, long units) {
            double per = units <= 0 ? Double.NaN : 1e6 * units;
            long database = 0;
            for (Map.Entry<Long, Long> backend : this.database.entrySet()) {
                database += backend.getValue() - earlier.database.getOrDefault(backend.getKey(), 0L);
            }
            return new PerUnit((service - earlier.service) / per, database / per, (bench - earlier.bench) / per);
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
        Map<Long, Long> database = ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(ProcessCpu::isPostgres).orElse(false))
                .collect(Collectors.toMap(ProcessHandle::pid, ProcessCpu::nanos));
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
