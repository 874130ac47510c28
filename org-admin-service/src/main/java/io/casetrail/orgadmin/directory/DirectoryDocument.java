package io.casetrail.orgadmin.directory;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An org's identity-platform data as a platform operator imports it (JSON). Policies (with their rules), profile
 * mappings and profile sources are kept as the documents they are (each needs an {@code id}); users, groups,
 * applications and feature flags are searchable.
 */
@JsonIgnoreProperties(ignoreUnknown = true) // an export of the platform's data has fields the directory keeps none of
public record DirectoryDocument(@NotNull @Valid Org org,
                                @Size(max = 100_000) List<@NotNull @Valid User> users,
                                @Size(max = 10_000) List<@NotNull @Valid Group> groups,
                                @Size(max = 10_000) List<@NotNull @Valid Application> applications,
                                @Size(max = 1_000) List<JsonNode> policies,
                                @Size(max = 1_000) List<JsonNode> profileMappings,
                                @Size(max = 1_000) List<JsonNode> profileSources,
                                @Size(max = 1_000) List<@NotNull @Valid Feature> features) {

    public DirectoryDocument {
        users = users == null ? List.of() : users;
        groups = groups == null ? List.of() : groups;
        applications = applications == null ? List.of() : applications;
        policies = policies == null ? List.of() : policies;
        profileMappings = profileMappings == null ? List.of() : profileMappings;
        profileSources = profileSources == null ? List.of() : profileSources;
        features = features == null ? List.of() : features;
    }

    /**
     * What the document holds twice that the directory keeps once (a user's id or login, a group's, an
     * application's, a flag's or a document's id, a group's member), as {@code field: value}; empty when nothing.
     */
    public Optional<String> duplicate() {
        return Stream.of(
                        first("users[].id", users.stream().map(User::id)),
                        first("users[].login", users.stream().map(u -> u.login().toLowerCase(Locale.ROOT))),
                        first("groups[].id", groups.stream().map(Group::id)),
                        first("applications[].id", applications.stream().map(Application::id)),
                        first("features[].id", features.stream().map(Feature::id)),
                        first("policies[].id", policies.stream().map(p -> p.path("id").asText(""))),
                        first("profileMappings[].id", profileMappings.stream().map(p -> p.path("id").asText(""))),
                        first("profileSources[].id", profileSources.stream().map(p -> p.path("id").asText(""))),
                        groups.stream().map(g -> first("groups[" + g.id() + "].members", g.members().stream()))
                                .flatMap(Optional::stream).findFirst(),
                        users.stream().map(u -> first("users[" + u.id() + "].factors[].id",
                                u.factors().stream().map(Factor::id))).flatMap(Optional::stream).findFirst())
                .flatMap(Optional::stream).findFirst();
    }

    /**
     * A user's e-mail address the mail server would not be handed (resets and temporary passwords are mailed to
     * them), as {@code field: value ...}; empty when every address is one. Read as the mailer reads it (strictly).
     */
    public Optional<String> unmailable() {
        return users.stream().flatMap(u -> Stream.of(
                        unmailable("users[" + u.id() + "].email", u.email()),
                        unmailable("users[" + u.id() + "].secondEmail", u.secondEmail())))
                .flatMap(Optional::stream).findFirst();
    }

    private static Optional<String> unmailable(String field, String address) {
        if (address == null || address.isBlank()) {
            return Optional.empty(); // none (a blank second address is none to the mailer too)
        }
        try {
            new InternetAddress(address, true);
            return Optional.empty();
        } catch (AddressException e) {
            return Optional.of(field + ": " + address + " is no e-mail address (" + e.getMessage() + ")");
        }
    }

    private static Optional<String> first(String field, Stream<String> values) {
        Set<String> seen = new HashSet<>();
        return values.filter(value -> value != null && !value.isBlank() && !seen.add(value)).findFirst()
                .map(value -> field + ": " + value + " appears more than once");
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Org(@NotBlank @Size(max = 255) String id, @NotBlank @Size(max = 255) String name,
                      @NotBlank @Size(max = 2048) @Pattern(regexp = "https://\\S+", message = "must be an https URL")
                      String url) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(@NotBlank @DirectoryId String id, @NotBlank @Size(max = 255) String login,
                       @Size(max = 255) String firstName, @Size(max = 255) String lastName,
                       @NotBlank @Size(max = 255) String email, @Size(max = 255) String secondEmail,
                       @NotBlank @Size(max = 32) String status, List<@NotNull @Valid Factor> factors) {

        public User {
            factors = factors == null ? List.of() : factors;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Factor(@NotBlank @DirectoryId String id, @NotBlank @Size(max = 64) String factorType,
                         @NotBlank @Size(max = 64) String provider, @NotBlank @Size(max = 32) String status) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Group(@NotBlank @DirectoryId String id, @NotBlank @Size(max = 255) String name,
                        @Size(max = 1000) String description,
                        @Size(max = 100_000) List<@NotBlank @DirectoryId String> members) {

        public Group {
            members = members == null ? List.of() : members;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Application(@NotBlank @DirectoryId String id, @NotBlank @Size(max = 255) String name,
                              @NotBlank @Size(max = 255) String label, @NotBlank @Size(max = 32) String status,
                              @Size(max = 64) String signOnMode) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Feature(@NotBlank @DirectoryId String id, @NotBlank @Size(max = 255) String name,
                          @Size(max = 1000) String description,
                          @NotBlank @Pattern(regexp = "ENABLED|DISABLED") String status, @Valid Stage stage,
                          @Size(max = 30) List<@NotBlank @DirectoryId String> dependencies) {

        public Feature {
            dependencies = dependencies == null ? List.of() : dependencies;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stage(@Pattern(regexp = "[A-Za-z0-9_. -]{0,64}") String value,
                        @Pattern(regexp = "[A-Za-z0-9_. -]{0,64}") String state) {
    }
}
