package io.casetrail.orgadmin.directory;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What research and the admin view answer. */
public final class DirectoryViews {

    private DirectoryViews() {
    }

    /** A user: profile, status and enrolled factors. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserView(String id, String status, Profile profile, List<FactorView> factors,
                           List<String> groups) {
    }

    public record Profile(String login, String firstName, String lastName, String email, String secondEmail) {
    }

    public record FactorView(String id, String factorType, String provider, String status) {
    }

    public record GroupView(String id, Group profile, List<String> members) {
    }

    public record Group(String name, String description) {
    }

    public record ApplicationView(String id, String name, String label, String status, String signOnMode) {
    }

    /** The identity platform's {@code Feature}, with its dependencies and dependents. */
    public record FeatureView(String id, String name, String description, String type, String status,
                              DirectoryDocument.Stage stage, List<String> dependencies, List<String> dependents,
                              @JsonProperty("_links") Object links) {
    }
}
