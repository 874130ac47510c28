package io.casetrail.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, collected by many threads; percentiles in milliseconds. */
final class Latencies {

    private long[] values = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    synchronized int count() {
        return size;
    }

    /** The mean in milliseconds. */
    synchronized double meanMs() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size / 1_000_000.0;
    }

    /** The p-th percentile (0 < p <= 100) in milliseconds, nearest rank. */
    synchronized double percentileMs(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1_000_000.0;
    }
}
