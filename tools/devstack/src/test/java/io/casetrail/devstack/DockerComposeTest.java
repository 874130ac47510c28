package io.casetrail.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where Casetrail is built, so docker-compose.yml is kept right by reading it: it must name
 * every service with the port its application listens on, its Dockerfile, a health check, the variables that
 * point it at Kafka, PostgreSQL and the token key, and a database for it.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    /** What a service needs from its environment in a container (see docs/operations.md). */
    private static final List<String> REQUIRED_VARIABLES = List.of("QUARKUS_PROFILE", "KAFKA_BOOTSTRAP_SERVERS",
            "CASETRAIL_PG_BASE_URL", "CASETRAIL_PG_USERNAME", "CASETRAIL_PG_PASSWORD", "CASETRAIL_JWT_PUBLIC_KEY",
            "CASETRAIL_JWT_ISSUER", "CASETRAIL_JWT_AUDIENCE", "CASETRAIL_ACCESS_SESSION_TOKEN_PUBLIC_KEY_LOCATION");

    /** The private keys, each only where it signs: whoever gets into another service cannot sign with it. */
    private static final Map<String, String> PRIVATE_KEYS = Map.of(
            "support-access-service", "CASETRAIL_ACCESS_SESSION_TOKEN_PRIVATE_KEY_LOCATION",
            "log-service", "CASETRAIL_INTERNAL_LOG_CHECKPOINT_PRIVATE_KEY_LOCATION");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            return (Map<String, Object>) compose.get("services");
        }
    }

    private static Properties applicationProperties(String service) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(
                ROOT.resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }

    @Test
    void composeHasKafkaAndPostgresWithHealthChecks() throws IOException {
        Map<String, Object> services = services();
        assertThat(services).containsKeys("kafka", "postgres");
        assertThat(section(services, "kafka")).containsKey("healthcheck");
        assertThat(section(services, "postgres")).containsKey("healthcheck");
    }

    @ParameterizedTest
    @ValueSource(strings = {"case-service", "org-admin-service", "support-access-service", "log-service",
            "escalation-service"})
    @SuppressWarnings("unchecked")
    void serviceIsComposedWithItsPortDockerfileHealthCheckAndVariables(String name) throws IOException {
        Map<String, Object> service = section(services(), name);
        Properties properties = applicationProperties(name);
        String port = properties.getProperty("quarkus.http.port");

        assertThat((List<String>) service.get("ports")).containsExactly(port + ":" + port);
        Map<String, Object> build = (Map<String, Object>) service.get("build");
        assertThat(ROOT.resolve(name).resolve((String) build.get("dockerfile"))).exists();
        assertThat(Files.readString(ROOT.resolve(name).resolve((String) build.get("dockerfile"))))
                .contains("EXPOSE " + port).contains("quarkus-app");
        assertThat(service.get("healthcheck").toString()).contains("127.0.0.1:" + port + "/q/health/ready");

        Map<String, Object> environment = (Map<String, Object>) service.get("environment");
        assertThat(environment).containsKeys(REQUIRED_VARIABLES.toArray(String[]::new));
        assertThat(environment.get("QUARKUS_PROFILE").toString()).contains("pg");
        for (Map.Entry<String, String> key : PRIVATE_KEYS.entrySet()) {
            if (key.getKey().equals(name)) {
                assertThat(environment).containsKey(key.getValue());
            } else {
                assertThat(environment).doesNotContainKey(key.getValue());
            }
        }
        List<String> mounted = (List<String>) service.get("volumes");
        assertThat(mounted).allMatch(volume -> volume.endsWith(":ro"));
        assertThat(mounted.stream().filter(volume -> volume.contains("private"))).hasSize(
                PRIVATE_KEYS.containsKey(name) ? 1 : 0);
        assertThat(environment.get("KAFKA_BOOTSTRAP_SERVERS").toString()).isEqualTo("kafka:19092");
        assertThat(((Map<String, Object>) service.get("depends_on"))).containsKeys("kafka", "postgres");

        String database = "casetrail_" + properties.getProperty("casetrail.service-key");
        assertThat(Files.readString(ROOT.resolve("deploy/postgres-init.sql"))).contains("CREATE DATABASE " + database
                + ";");
    }

    /**
     * A client is given back the broker's advertised address after its first request: the services on the compose
     * network are given {@code kafka:19092}, a client on the host (the audit replay, kafka-consumer-groups) the
     * published {@code 127.0.0.1:9092}, which it reaches (not {@code kafka}, a name only the compose network has).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theBrokerAdvertisesAnAddressEachOfItsClientsReaches() throws IOException {
        Map<String, Object> kafka = section(services(), "kafka");
        Map<String, Object> environment = (Map<String, Object>) kafka.get("environment");
        Map<String, String> advertised = new java.util.HashMap<>();
        for (String listener : environment.get("KAFKA_ADVERTISED_LISTENERS").toString().split(",")) {
            String address = listener.substring(listener.indexOf("://") + 3);
            advertised.put(address.substring(address.lastIndexOf(':') + 1), address);
        }
        for (String published : (List<String>) kafka.get("ports")) {
            String[] parts = published.replaceAll("\\s.*", "").split(":");
            assertThat(parts[0]).isEqualTo("127.0.0.1");
            assertThat(advertised.get(parts[2])).as(published).isEqualTo("127.0.0.1:" + parts[1]);
        }
        assertThat(advertised).containsValue("kafka:19092");
    }

    @Test
    void everyServiceModuleIsComposed() throws IOException {
        Map<String, Object> services = services();
        try (var modules = Files.list(ROOT)) {
            List<String> serviceModules = modules.filter(p -> p.getFileName().toString().endsWith("-service"))
                    .map(p -> p.getFileName().toString()).toList();
            assertThat(serviceModules).hasSize(5);
            assertThat(services).containsKeys(serviceModules.toArray(String[]::new));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> services, String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void orgAdminServiceSendsItsMailToTheComposedMailCatcher() throws IOException {
        Map<String, Object> services = services();
        assertThat(services).containsKey("mail");
        Map<String, Object> environment = (Map<String, Object>) section(services, "org-admin-service")
                .get("environment");
        assertThat(environment).containsEntry("CASETRAIL_MAIL_HOST", "mail").containsEntry("CASETRAIL_MAIL_PORT",
                "1025");
        assertThat(((Map<String, Object>) section(services, "org-admin-service").get("depends_on")))
                .containsKeys("kafka", "postgres", "mail");
    }
}
