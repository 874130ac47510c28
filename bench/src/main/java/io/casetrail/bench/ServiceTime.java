package io.casetrail.bench;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the commands' time went inside case-service, from its metrics ({@code /q/metrics}) read at the start and
 * the end of the measured seconds: the HTTP requests opening cases ({@code http_server_requests_seconds}, from the
 * request's start to its answer written), the time each command waited in its lane for a group
 * ({@code casetrail_commands_group_wait_seconds}) and the time each group took
 * ({@code casetrail_commands_group_duration_seconds}). What the requests took beyond the lanes was spent on the HTTP
 * event loop; what the clients measured beyond the requests, in the clients and between them and the server.
 */
final class ServiceTime {

    private static final String REQUESTS = "http_server_requests_seconds";
    private static final String OPENINGS = "{method=\"POST\",outcome=\"SUCCESS\",status=\"201\",uri=\"/cases\"}";
    private static final String WAITS = "casetrail_commands_group_wait_seconds";
    private static final String GROUPS = "casetrail_commands_group_duration_seconds";

    /** The series read, by name with labels. */
    record Reading(Map<String, Double> series) {

        /** What happened between {@code earlier} and this reading. */
        Spent since(Reading earlier) {
            Map<String, Double> delta = new HashMap<>();
            series.forEach((name, value) -> delta.put(name, value - earlier.series.getOrDefault(name, 0.0)));
            return new Spent(delta);
        }
    }

    /** The growth of each series between two readings. */
    record Spent(Map<String, Double> delta) {

        /** Their mean time in the service, from the request's start to its answer written. */
        double requestMeanMs() {
            return mean(REQUESTS, OPENINGS);
        }

        double waitMeanMs() {
            return mean(WAITS, "");
        }

        double waitP99AtMostMs() {
            return percentileAtMost(WAITS, 0.99);
        }

        double groupMeanMs() {
            return mean(GROUPS, "");
        }

        double groupP99AtMostMs() {
            return percentileAtMost(GROUPS, 0.99);
        }

        /** Commands a group: those that waited over the groups that took them. */
        double commandsPerGroup() {
            double groups = delta.getOrDefault(GROUPS + "_count", 0.0);
            return groups == 0 ? Double.NaN : delta.getOrDefault(WAITS + "_count", 0.0) / groups;
        }

        private double mean(String timer, String labels) {
            double count = delta.getOrDefault(timer + "_count" + labels, 0.0);
            return count == 0 ? Double.NaN : delta.getOrDefault(timer + "_sum" + labels, 0.0) / count * 1000;
        }

        /** The smallest bucket bound (ms) that holds at least {@code share} of the timer's recordings; NaN above all. */
        private double percentileAtMost(String timer, double share) {
            double count = delta.getOrDefault(timer + "_count", 0.0);
            if (count == 0) {
                return Double.NaN;
            }
            TreeMap<Double, Double> buckets = new TreeMap<>();
            String prefix = timer + "_bucket{le=\"";
            delta.forEach((name, value) -> {
                if (name.startsWith(prefix) && !name.contains("+Inf")) {
                    buckets.put(Double.parseDouble(name.substring(prefix.length(), name.indexOf('"',
                            prefix.length()))), value);
                }
            });
            for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                if (bucket.getValue() >= share * count) {
                    return bucket.getKey() * 1000;
                }
            }
            return Double.NaN;
        }
    }

    private ServiceTime() {
    }

    /** The service's metrics now; none (every figure NaN then) if they could not be read. */
    static Reading read(URI server) {
        try {
            return new Reading(Metrics.read(server));
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("case-service's metrics could not be read: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Reading(Map.of());
    }
}
