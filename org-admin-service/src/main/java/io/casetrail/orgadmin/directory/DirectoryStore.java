package io.casetrail.orgadmin.directory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.orgadmin.directory.DirectoryViews.ApplicationView;
import io.casetrail.orgadmin.directory.DirectoryViews.FactorView;
import io.casetrail.orgadmin.directory.DirectoryViews.FeatureView;
import io.casetrail.orgadmin.directory.DirectoryViews.GroupView;
import io.casetrail.orgadmin.directory.DirectoryViews.UserView;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.api.RequestJson;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.store.Jdbc;

/**
 * The copy of each org's identity-platform data (tables {@code dir_*}): replaced whole by an import, searched by
 * research and the admin view, changed only by the consented actions.
 */
@Singleton
public class DirectoryStore {

    /** Document kinds kept whole. */
    public static final String POLICY = "policy";
    public static final String PROFILE_MAPPING = "profile-mapping";
    public static final String PROFILE_SOURCE = "profile-source";

    /** An org's name and URL. */
    public record OrgInfo(String orgId, String name, String url) {
    }

    /** What Casetrail holds of an org's directory, and since when. */
    public record ImportSummary(String orgId, String name, String url, java.time.Instant importedAt, long users,
                                long groups, long applications, long features) {
    }

    /** What a directory list's cursor starts with: an id alone, or another list's cursor, is none. */
    private static final String CURSOR = "dir:";

    private final Jdbc jdbc;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public DirectoryStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // --- import ----------------------------------------------------------------------------------------------

    /** Replaces everything Casetrail holds of the org, in the caller's transaction. */
    public void replace(DirectoryDocument document) {
        String org = document.org().id();
        // the org's row first, as a flag change takes it before its flag: in the other order the two deadlock. The
        // first import of an org creates it; another first import at the same moment waits for that one, then finds
        // the row (a plain insert failed it)
        jdbc.update("INSERT INTO dir_org (org_id, name, org_url, imported_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING", org, document.org().name(), document.org().url(), clock.instant());
        lockOrg(org);
        for (String table : List.of("dir_factor", "dir_group_member", "dir_user", "dir_group", "dir_app",
                "dir_document", "dir_feature")) {
            jdbc.update("DELETE FROM " + table + " WHERE org_id = ?", org);
        }
        // the org's row is kept, changed in place: a flag change waiting for it then finds it, and holds it
        jdbc.update("UPDATE dir_org SET name = ?, org_url = ?, imported_at = ? WHERE org_id = ?",
                document.org().name(), document.org().url(), clock.instant(), org);
        for (DirectoryDocument.User user : document.users()) {
            jdbc.update("INSERT INTO dir_user (org_id, id, login, first_name, last_name, email, second_email, status)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", org, user.id(), user.login(), user.firstName(),
                    user.lastName(), user.email(), user.secondEmail(), user.status());
            for (DirectoryDocument.Factor factor : user.factors()) {
                jdbc.update("INSERT INTO dir_factor (org_id, user_id, id, factor_type, provider, status)"
                                + " VALUES (?, ?, ?, ?, ?, ?)", org, user.id(), factor.id(), factor.factorType(),
                        factor.provider(), factor.status());
            }
        }
        for (DirectoryDocument.Group group : document.groups()) {
            jdbc.update("INSERT INTO dir_group (org_id, id, name, description) VALUES (?, ?, ?, ?)", org, group.id(),
                    group.name(), group.description());
            for (String member : group.members()) {
                jdbc.update("INSERT INTO dir_group_member (org_id, group_id, user_id) VALUES (?, ?, ?)", org,
                        group.id(), member);
            }
        }
        for (DirectoryDocument.Application app : document.applications()) {
            jdbc.update("INSERT INTO dir_app (org_id, id, name, label, status, sign_on_mode) VALUES (?, ?, ?, ?, ?, ?)",
                    org, app.id(), app.name(), app.label(), app.status(), app.signOnMode());
        }
        insertDocuments(org, POLICY, document.policies());
        insertDocuments(org, PROFILE_MAPPING, document.profileMappings());
        insertDocuments(org, PROFILE_SOURCE, document.profileSources());
        for (DirectoryDocument.Feature feature : document.features()) {
            jdbc.update("INSERT INTO dir_feature (org_id, id, name, description, status, stage, dependencies)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)", org, feature.id(), feature.name(),
                    feature.description(), feature.status(), feature.stage() == null ? null : write(feature.stage()),
                    String.join(",", feature.dependencies()));
        }
    }

    private void insertDocuments(String org, String kind, List<JsonNode> documents) {
        for (JsonNode document : documents) {
            String id = document.path("id").asText("");
            if (id.isBlank() || id.length() > 64 || id.indexOf('\u0000') >= 0) {
                throw new InvalidInput(kind + ": every document needs an id of 1 to 64 characters (no NUL)");
            }
            String body = withoutSecrets(document).toString();
            if (RequestJson.halfASurrogatePair(body)) {
                // taken apart from its other half (its text cut in the middle of an emoji), PostgreSQL would keep '?'
                throw new InvalidInput(kind + " " + id + ": text may not contain half of a surrogate pair");
            }
            jdbc.update("INSERT INTO dir_document (org_id, kind, id, body) VALUES (?, ?, ?, ?)", org, kind, id, body);
        }
    }

    // --- reads -----------------------------------------------------------------------------------------------

    public Optional<OrgInfo> org(String orgId) {
        return jdbc.queryOne("SELECT org_id, name, org_url FROM dir_org WHERE org_id = ?",
                row -> new OrgInfo(row.getString(1), row.getString(2), row.getString(3)), orgId);
    }

    public Optional<ImportSummary> summary(String orgId) {
        return jdbc.queryOne("SELECT org_id, name, org_url, imported_at,"
                        + " (SELECT COUNT(*) FROM dir_user u WHERE u.org_id = o.org_id),"
                        + " (SELECT COUNT(*) FROM dir_group g WHERE g.org_id = o.org_id),"
                        + " (SELECT COUNT(*) FROM dir_app a WHERE a.org_id = o.org_id),"
                        + " (SELECT COUNT(*) FROM dir_feature f WHERE f.org_id = o.org_id)"
                        + " FROM dir_org o WHERE org_id = ?",
                row -> new ImportSummary(row.getString(1), row.getString(2), row.getString(3),
                        Jdbc.instant(row, "imported_at"), row.getLong(5), row.getLong(6), row.getLong(7),
                        row.getLong(8)), orgId);
    }

    /** Users whose id is {@code q}, or whose login, names or e-mail start with it (ignoring case). */
    public Page<UserView> users(String orgId, String q, String after, int limit) {
        return Page.of(withDetails(orgId, search("dir_user", List.of("login", "first_name", "last_name", "email"),
                DirectoryStore::user, orgId, q, afterId(after), limit), this::details), limit,
                user -> cursor(user.id()));
    }

    /** A user by id or login. */
    public Optional<UserView> user(String orgId, String idOrLogin) {
        return byIdOrName("dir_user", List.of("LOWER(login) = LOWER(?)"), DirectoryStore::user, UserView::id, orgId,
                idOrLogin).map(user -> details(orgId, user));
    }

    /**
     * The row whose id is {@code key}, else the one row a name matches. An id always wins: a user whose login reads
     * as another user's id never stands in for that user. Several rows named alike (two applications called
     * {@code bookmark}) are not picked from: the caller is told to use an id.
     */
    private <T> Optional<T> byIdOrName(String table, List<String> nameConditions, Jdbc.RowMapper<T> mapper,
                                       Function<T, String> id, String orgId, String key) {
        List<Object> parameters = new ArrayList<>(List.of(orgId, key));
        nameConditions.forEach(condition -> parameters.add(key)); // each condition takes the key once
        parameters.add(key);
        List<T> found = jdbc.query("SELECT * FROM " + table + " WHERE org_id = ? AND (id = ? OR "
                + String.join(" OR ", nameConditions) + ") ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, id LIMIT 2",
                mapper, parameters.toArray());
        if (found.size() > 1 && !key.equals(id.apply(found.get(0)))) {
            throw new AmbiguousName(key + " names more than one of the org's " + KINDS.get(table)
                    + ": ask for one by its id");
        }
        return found.stream().findFirst();
    }

    private static final Map<String, String> KINDS = Map.of("dir_user", "users", "dir_group", "groups", "dir_app",
            "applications");

    public Page<GroupView> groups(String orgId, String q, String after, int limit) {
        return Page.of(withDetails(orgId, search("dir_group", List.of("name"), DirectoryStore::group, orgId, q,
                afterId(after), limit), this::details), limit, group -> cursor(group.id()));
    }

    public Optional<GroupView> group(String orgId, String idOrName) {
        return byIdOrName("dir_group", List.of("name = ?"), DirectoryStore::group, GroupView::id, orgId, idOrName)
                .map(group -> details(orgId, group));
    }

    public Page<ApplicationView> applications(String orgId, String q, String after, int limit) {
        return Page.of(search("dir_app", List.of("name", "label"), DirectoryStore::application, orgId, q,
                afterId(after), limit), limit, app -> cursor(app.id()));
    }

    /** Rows whose id is {@code q} or whose columns start with it (ignoring case), by id, after {@code after}. */
    private <T> List<T> search(String table, List<String> columns, Jdbc.RowMapper<T> mapper, String orgId, String q,
                               String after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM " + table + " WHERE org_id = ?");
        List<Object> parameters = new ArrayList<>(List.of(orgId));
        if (q != null && !q.isBlank()) {
            sql.append(" AND (id = ?");
            parameters.add(q);
            for (String column : columns) {
                sql.append(" OR LOWER(").append(column).append(") LIKE ? ESCAPE '!'");
                parameters.add(like(q));
            }
            sql.append(')');
        }
        if (after != null) {
            sql.append(" AND id > ?");
            parameters.add(after);
        }
        sql.append(" ORDER BY id LIMIT ?");
        parameters.add(limit + 1);
        return jdbc.query(sql.toString(), mapper, parameters.toArray());
    }

    public Optional<ApplicationView> application(String orgId, String idOrName) {
        return byIdOrName("dir_app", List.of("name = ?", "label = ?"), DirectoryStore::application,
                ApplicationView::id, orgId, idOrName);
    }

    /** An org's documents of a kind (policies, profile mappings, profile sources), by id, after {@code after}. */
    public Page<JsonNode> documents(String orgId, String kind, String after, int limit) {
        return Page.of(jdbc.query("SELECT id, body FROM dir_document WHERE org_id = ? AND kind = ? AND id > ?"
                        + " ORDER BY id LIMIT ?", row -> new Page.Row<>(read(row.getString(2)),
                        cursor(row.getString(1))), orgId, kind, after == null ? "" : afterId(after), limit + 1),
                limit);
    }

    public Optional<JsonNode> document(String orgId, String kind, String id) {
        return jdbc.queryOne("SELECT body FROM dir_document WHERE org_id = ? AND kind = ? AND id = ?",
                row -> read(row.getString(1)), orgId, kind, id);
    }

    /** An org's feature flags by id, after {@code after}, with their dependencies and dependents. */
    public Page<FeatureView> features(String orgId, String linkBase, String after, int limit) {
        String afterId = afterId(after);
        List<FeatureView> features = features(orgId, linkBase).stream()
                .sorted(Comparator.comparing(FeatureView::id))
                .filter(feature -> afterId == null || feature.id().compareTo(afterId) > 0).limit(limit + 1L).toList();
        return Page.of(features, limit, feature -> cursor(feature.id()));
    }

    /** One feature flag of the org, with its links. */
    public Optional<FeatureView> feature(String orgId, String linkBase, String id) {
        return features(orgId, linkBase).stream().filter(feature -> feature.id().equals(id)).findFirst();
    }

    /** The org's feature flags of the given ids, by id. */
    public List<FeatureView> features(String orgId, String linkBase, List<String> ids) {
        return features(orgId, linkBase).stream().filter(feature -> ids.contains(feature.id()))
                .sorted(Comparator.comparing(FeatureView::id)).toList();
    }

    /** The cursor after a row of a directory list: the id whole, whatever it holds ({@code |} included). */
    static String cursor(String id) {
        return Page.cursor(CURSOR + id);
    }

    /** The id a list's cursor points after (400 for anything but a cursor a directory list handed out). */
    static String afterId(String after) {
        if (after == null) {
            return null;
        }
        String raw = Page.cursorText(after);
        if (!raw.startsWith(CURSOR)) {
            throw Page.badCursor();
        }
        return raw.substring(CURSOR.length());
    }

    private List<FeatureView> features(String orgId, String linkBase) {
        Map<String, String[]> dependencies = new LinkedHashMap<>();
        List<String[]> rows = jdbc.query("SELECT id, name, description, status, stage, dependencies FROM dir_feature"
                + " WHERE org_id = ? ORDER BY id", row -> new String[] {row.getString(1), row.getString(2),
                row.getString(3), row.getString(4), row.getString(5), row.getString(6)}, orgId);
        rows.forEach(r -> dependencies.put(r[0], split(r[5])));
        List<FeatureView> features = new ArrayList<>();
        for (String[] r : rows) {
            List<String> dependents = dependencies.entrySet().stream()
                    .filter(e -> Arrays.asList(e.getValue()).contains(r[0])).map(Map.Entry::getKey).toList();
            String self = linkBase + "/" + r[0];
            features.add(new FeatureView(r[0], r[1], r[2], "self-service", r[3],
                    r[4] == null ? null : readStage(r[4]), List.of(split(r[5])), dependents,
                    Map.of("self", Map.of("href", self), "dependencies", Map.of("href", self + "/dependencies"),
                            "dependents", Map.of("href", self + "/dependents"))));
        }
        return features;
    }

    // --- what the consented actions change --------------------------------------------------------------------

    /**
     * The statuses in which a user's password may be reset or replaced by a temporary one, as the identity platform
     * allows: a user deactivated, suspended or not yet activated is not brought back by a password.
     */
    public static final List<String> PASSWORD_STATUSES = List.of("ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT",
            "RECOVERY");
    private static final String IN_PASSWORD_STATUSES = " AND status IN ('" + String.join("', '", PASSWORD_STATUSES)
            + "')";

    /**
     * The user is in recovery; only the hash of the reset token is kept. False, and nothing changed, when the user's
     * status is not one of {@link #PASSWORD_STATUSES}.
     */
    public boolean markRecovery(String orgId, String userId, String recoveryTokenHash) {
        // the org held first: an import replacing the users meanwhile would leave the update nothing to change
        lockOrg(orgId);
        // a temporary password set before stops working: the reset link is the way in now
        return jdbc.update("UPDATE dir_user SET status = 'RECOVERY', recovery_token_hash = ?, password_hash = NULL"
                + " WHERE org_id = ? AND id = ?" + IN_PASSWORD_STATUSES, recoveryTokenHash, orgId, userId) == 1;
    }

    /**
     * The user signs in with a temporary password, to be changed at that sign-in; only its hash is kept (the
     * password itself is in the e-mails only). False, and nothing changed, when the user's status is not one of
     * {@link #PASSWORD_STATUSES}.
     */
    public boolean expirePassword(String orgId, String userId, String temporaryPasswordHash) {
        lockOrg(orgId); // as markRecovery
        // a reset link sent before stops working: the temporary password is the way in now
        return jdbc.update("UPDATE dir_user SET status = 'PASSWORD_EXPIRED', password_hash = ?,"
                + " recovery_token_hash = NULL WHERE org_id = ? AND id = ?" + IN_PASSWORD_STATUSES,
                temporaryPasswordHash, orgId, userId) == 1;
    }

    /**
     * Removes every enrolled factor; answers their types. The org held first, an import cannot replace the factors
     * between the read and the delete (the reset would record factors that were not the ones removed), and two
     * resets of the user through two cases go one after the other, the second removing and recording none.
     */
    public List<String> removeFactors(String orgId, String userId) {
        lockOrg(orgId);
        List<String> types = jdbc.query("SELECT factor_type FROM dir_factor WHERE org_id = ? AND user_id = ?"
                + " ORDER BY factor_type", row -> row.getString(1), orgId, userId);
        jdbc.update("DELETE FROM dir_factor WHERE org_id = ? AND user_id = ?", orgId, userId);
        return types;
    }

    /**
     * Holds the org's row until the transaction ends; an import, a flag change, a password reset, a temporary
     * password and an MFA reset take it first. A flag
     * change is checked against the org's other flags (its dependencies, its dependents); two changes checked side by
     * side, each before the other committed, could together leave a flag enabled on a disabled dependency. Held,
     * they go one after the other.
     */
    public void lockOrg(String orgId) {
        jdbc.queryOne("SELECT org_id FROM dir_org WHERE org_id = ? FOR UPDATE", row -> 1, orgId);
    }

    /** A feature flag's id, name, status and dependencies, if the org has it. */
    public Optional<String[]> feature(String orgId, String flagId) {
        return jdbc.queryOne("SELECT id, name, status, dependencies FROM dir_feature WHERE org_id = ? AND id = ?",
                row -> new String[] {row.getString(1), row.getString(2), row.getString(3), row.getString(4)}, orgId,
                flagId);
    }

    public void setFeatureStatus(String orgId, String flagId, boolean enabled) {
        jdbc.update("UPDATE dir_feature SET status = ? WHERE org_id = ? AND id = ?", enabled ? "ENABLED" : "DISABLED",
                orgId, flagId);
    }

    /** The enabled flags among {@code ids}. */
    public List<String> enabledAmong(String orgId, List<String> ids) {
        return jdbc.query("SELECT id, status FROM dir_feature WHERE org_id = ?", row -> row.getString(2)
                        .equals("ENABLED") && ids.contains(row.getString(1)) ? row.getString(1) : null, orgId)
                .stream().filter(java.util.Objects::nonNull).toList();
    }

    /** The flags that depend on {@code flagId}. */
    public List<String> dependents(String orgId, String flagId) {
        return jdbc.query("SELECT id, dependencies FROM dir_feature WHERE org_id = ?", row ->
                Arrays.asList(split(row.getString(2))).contains(flagId) ? row.getString(1) : null, orgId)
                .stream().filter(java.util.Objects::nonNull).toList();
    }

    // --- rows ------------------------------------------------------------------------------------------------

    // A row is read whole before its factors, groups or members are: queried from within the row mapper, each took
    // a second connection while the list's query held the first, and as many lists at once as the pool has
    // connections waited for one another until the pool's timeout (503)

    /** A user as its row has it, without its factors and groups ({@link #details(String, UserView)}). */
    private static UserView user(ResultSet row) throws SQLException {
        return new UserView(row.getString("id"), row.getString("status"), new DirectoryViews.Profile(
                row.getString("login"), row.getString("first_name"), row.getString("last_name"),
                row.getString("email"), row.getString("second_email")), List.of(), List.of());
    }

    private UserView details(String orgId, UserView user) {
        List<FactorView> factors = jdbc.query("SELECT id, factor_type, provider, status FROM dir_factor WHERE org_id = ?"
                        + " AND user_id = ? ORDER BY id", f -> new FactorView(f.getString(1), f.getString(2),
                f.getString(3), f.getString(4)), orgId, user.id());
        List<String> groups = jdbc.query("SELECT group_id FROM dir_group_member WHERE org_id = ? AND user_id = ?"
                + " ORDER BY group_id", g -> g.getString(1), orgId, user.id());
        return new UserView(user.id(), user.status(), user.profile(), factors, groups);
    }

    /** A group as its row has it, without its members ({@link #details(String, GroupView)}). */
    private static GroupView group(ResultSet row) throws SQLException {
        return new GroupView(row.getString("id"), new DirectoryViews.Group(row.getString("name"),
                row.getString("description")), List.of());
    }

    private GroupView details(String orgId, GroupView group) {
        List<String> members = jdbc.query("SELECT user_id FROM dir_group_member WHERE org_id = ? AND group_id = ?"
                + " ORDER BY user_id", m -> m.getString(1), orgId, group.id());
        return new GroupView(group.id(), group.profile(), members);
    }

    /** The rows of one org's list, each with its details read after the list's query has ended. */
    private static <T> List<T> withDetails(String orgId, List<T> rows,
                                           java.util.function.BiFunction<String, T, T> details) {
        return rows.stream().map(row -> details.apply(orgId, row)).toList();
    }

    private static ApplicationView application(ResultSet row) throws SQLException {
        return new ApplicationView(row.getString("id"), row.getString("name"), row.getString("label"),
                row.getString("status"), row.getString("sign_on_mode"));
    }


    private static String like(String q) {
        if (q == null) {
            return null;
        }
        return q.toLowerCase().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static String[] split(String list) {
        return list == null || list.isBlank() ? new String[0] : list.split(",");
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A stored document, without secrets (one imported before they were left out at import may have them): stripped
     * in place, the tree being read afresh here.
     */
    private JsonNode read(String body) {
        try {
            JsonNode document = json.readTree(body);
            strip(document);
            return document;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keys whose values are secrets in the identity platform's exports of policies, profile mappings and profile
     * sources (an identity provider's {@code protocol.credentials.client.client_secret}, an application's
     * {@code credentials.oauthClient.client_secret}, a shared secret, a password, a private key), compared in lower
     * case without {@code _} and {@code -}. Users and applications are imported field by field, and keep none.
     */
    static final Set<String> SECRET_KEYS = Set.of("clientsecret", "secret", "sharedsecret", "password",
            "passwordhash", "privatekey", "apitoken", "recoveryanswer", "hmackey");

    /**
     * The document without the values of {@link #SECRET_KEYS}, at any depth: what the directory keeps and shows
     * (research, an impersonation session's admin view) is what support may see, and a secret is no part of it.
     */
    static JsonNode withoutSecrets(JsonNode document) {
        JsonNode copy = document.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.properties().removeIf(field -> SECRET_KEYS.contains(
                    field.getKey().toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "")));
            object.forEach(DirectoryStore::strip);
        } else if (node.isArray()) {
            node.forEach(DirectoryStore::strip);
        }
    }

    private DirectoryDocument.Stage readStage(String body) {
        try {
            return json.readValue(body, DirectoryDocument.Stage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
