package io.casetrail.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads a service's Prometheus page ({@code /q/metrics}). */
final class Metrics {

    private Metrics() {
    }

    /** Every series on the page of the service at {@code server}: its value by its name with labels. */
    static Map<String, Double> read(URI server) throws IOException, InterruptedException {
        HttpResponse<String> page = BenchStack.http().send(HttpRequest.newBuilder(server.resolve("/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IOException(server + "/q/metrics answered " + page.statusCode());
        }
        Map<String, Double> series = new HashMap<>();
        for (String line : page.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return series;
    }

    /** The sum of every series of {@code name} whose labels contain {@code labelPart} ("" for all). */
    static double sum(BenchStack stack, String service, String name, String labelPart)
            throws IOException, InterruptedException {
        double sum = 0;
        for (Map.Entry<String, Double> series : read(URI.create(stack.url(service))).entrySet()) {
            String key = series.getKey();
            if (key.startsWith(name + "{") && key.contains(labelPart) || key.equals(name)) {
                sum += series.getValue();
            }
        }
        return sum;
    }
}
