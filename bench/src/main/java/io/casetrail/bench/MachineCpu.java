package io.casetrail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine's cores were between two readings of {@code /proc/stat}: every process, the services,
 * PostgreSQL, the broker and the load generator alike. On a machine without {@code /proc/stat}, NaN.
 */
final class MachineCpu {

    private static final Path STAT = Path.of("/proc/stat");

    /** Busy and total jiffies of all cores at one moment. */
    record Reading(long busy, long total) {

        /** The share of the cores' time that was busy since {@code earlier}, 0 to 1. */
        double busySince(Reading earlier) {
            long total = this.total - earlier.total;
            return earlier.total < 0 || total <= 0 ? Double.NaN : (busy - earlier.busy) / (double) total;
        }
    }

    private MachineCpu() {
    }

    static Reading read() {
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest counted in user)
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new Reading(total - idle, total);
        } catch (IOException | RuntimeException e) {
            return new Reading(-1, -1);
        }
    }

    /** A reading taken at {@code nanoTime}, sleeping until then. */
    static Reading readAt(long nanoTime) throws InterruptedException {
        Bench.sleepUntil(nanoTime);
        return read();
    }
}
