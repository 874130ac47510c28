package io.casetrail.bench;

/** Reads one figure from a service's Prometheus page. */
final class Metrics {

    private Metrics() {
    }

    /** The sum of every series of {@code name} whose labels contain {@code labelPart} ("" for all). */
    static double sum(BenchStack stack, String service, String name, String labelPart) throws Exception {
        var response = BenchStack.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                stack.url(service) + "/q/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelPart) || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
