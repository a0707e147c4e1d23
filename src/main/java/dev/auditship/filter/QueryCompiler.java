package dev.auditship.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Compiles a filter query, written in the search language of Coder's audit-log and connection-log
 * pages, into an {@link EventFilter}. Never throws for bad input: every problem in the query comes
 * back as a message in {@link Compiled#errors()}, in Coder's wording where Coder has one
 * (docs/coder-reference.md §7.1–7.3). The caller adds where in the configuration the query is.
 * {@code docs/filters.md} describes every key.
 *
 * <p>Names (organization names, usernames, emails) are resolved to IDs here, once, through the
 * {@link NameResolver}; the filter then compares IDs and does no I/O per event. A query that needs
 * a name the resolver cannot look up is refused with a message that says how to fix it; it never
 * degrades to matching everything (or nothing).
 *
 * <p>Holds no state besides the resolver; safe to use from several threads if the resolver is.
 */
public final class QueryCompiler {
  private final NameResolver resolver;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param resolver the name lookup; {@link NameResolver#NONE} when no Coder URL and token are
   *     configured
   */
  public QueryCompiler(NameResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /**
   * The outcome of compiling one query.
   *
   * @param filter the filter; when there are errors it must not be used (it throws if asked to
   *     match)
   * @param errors every problem found, as bare messages; empty when the query is valid
   * @param warnings what the operator should know about a valid query (a name Coder does not know,
   *     which matches nothing there and here)
   */
  public record Compiled(EventFilter filter, List<String> errors, List<String> warnings) {
    public Compiled {
      Objects.requireNonNull(filter, "filter");
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    public Compiled(EventFilter filter, List<String> errors) {
      this(filter, errors, List.of());
    }

    /** True when the query is valid and {@link #filter()} can be used. */
    public boolean ok() {
      return errors.isEmpty();
    }

    /**
     * True when {@code error} (one of {@link #errors()}) is a name that could not be looked up
     * because no Coder URL and token are configured: configuring them would fix it. The compiler
     * wrote that error, so it answers for its wording; callers do not match message texts.
     */
    public boolean needsCoder(String error) {
      return errors.contains(error) && error.contains(Unconfigured.REASON);
    }
  }

  /** Compiles {@code query}; {@code null}, empty or blank means no filter: every event passes. */
  public Compiled compile(String query) {
    if (query == null || query.isBlank()) {
      return new Compiled(EventFilter.ALL, List.of());
    }
    QuerySyntax.Split split = QuerySyntax.split(query);
    List<String> errors = new ArrayList<>(split.errors());

    // Group by key in order of appearance; the bare term is resource_type, as on Coder's audit
    // page.
    Map<String, List<QuerySyntax.Term>> byKey = new LinkedHashMap<>();
    for (QuerySyntax.Term t : split.terms()) {
      String key = t.bare() ? QueryKey.RESOURCE_TYPE.key() : t.key();
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
    }
    List<Use> uses = new ArrayList<>();
    for (Map.Entry<String, List<QuerySyntax.Term>> en : byKey.entrySet()) {
      String key = en.getKey();
      List<QuerySyntax.Term> terms = en.getValue();
      QueryKey k = QueryKey.of(key);
      if (k == null) {
        errors.add(GoQuote.q(key) + " is not a valid query param");
      } else if (terms.size() > 1) {
        errors.add(
            "Query param "
                + GoQuote.q(key)
                + " provided more than once, found "
                + terms.size()
                + " times. Only provide 1 instance of this query param.");
      } else if (terms.get(0).value().isEmpty()) {
        // Coder ignores an empty value (key:""), which would widen the filter without a word.
        errors.add(
            "Query param "
                + GoQuote.q(key)
                + " has an empty value: give a value or remove the term");
      } else {
        uses.add(new Use(k, terms.get(0)));
      }
    }

    Set<Kind> kinds = selectKinds(uses, errors);
    List<Condition> conditions = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Use u : uses) {
      if (u.key() != QueryKey.KIND) {
        Condition c = condition(u, kinds, errors, warnings);
        if (c != null) {
          conditions.add(c.withFields(auditFields(u), connectionFields(u)));
        }
      }
    }
    if (!errors.isEmpty()) {
      return new Compiled(new RefusedFilter(errors), errors);
    }
    return new Compiled(new CompiledFilter(kinds, conditions), List.of(), warnings);
  }

  /** A key with its one term. */
  private record Use(QueryKey key, QuerySyntax.Term term) {
    String value() {
      return term.value();
    }

    String name() {
      return key.key();
    }

    /**
     * The key for messages; a bare word is shown as what it is, since the operator wrote no key.
     */
    String described() {
      String q = GoQuote.q(key.key());
      return term.bare() ? q + " (the bare word " + GoQuote.q(term.value()) + ")" : q;
    }
  }

  // kind:audit / kind:connection choose explicitly; otherwise a key of one kind selects that kind,
  // and
  // keys of both kinds in one query can never match (an event is one or the other).
  private static Set<Kind> selectKinds(List<Use> uses, List<String> errors) {
    Set<Kind> kinds = EnumSet.allOf(Kind.class);
    Kind explicit = null;
    for (Use u : uses) {
      if (u.key() == QueryKey.KIND) {
        String v = u.value().toLowerCase(Locale.ROOT);
        if (!CoderEnums.KINDS.contains(v)) {
          errors.add(invalidValue(u.name(), GoQuote.q(u.value()) + " is not a valid value"));
        } else {
          explicit = v.equals("audit") ? Kind.AUDIT : Kind.CONNECTION;
        }
      }
    }
    Use firstAudit = null;
    Use firstConnection = null;
    for (Use u : uses) {
      Kind only = u.key().onlyKind();
      if (only == null) {
        continue;
      }
      if (explicit != null && only != explicit) {
        errors.add(
            "Query param "
                + u.described()
                + " applies only to "
                + only.label()
                + " events, but the query has kind:"
                + explicit.label());
      } else if (only == Kind.AUDIT && firstAudit == null) {
        firstAudit = u;
      } else if (only == Kind.CONNECTION && firstConnection == null) {
        firstConnection = u;
      }
    }
    if (explicit != null) {
      return EnumSet.of(explicit);
    }
    if (firstAudit != null && firstConnection != null) {
      errors.add(
          "Query params "
              + firstAudit.described()
              + " and "
              + firstConnection.described()
              + " cannot be combined: "
              + GoQuote.q(firstAudit.name())
              + " applies only to audit events and "
              + GoQuote.q(firstConnection.name())
              + " only to connection events");
      return kinds;
    }
    if (firstAudit != null) {
      return EnumSet.of(Kind.AUDIT);
    }
    if (firstConnection != null) {
      return EnumSet.of(Kind.CONNECTION);
    }
    return kinds;
  }

  /** The audit-event fields a term reads (for the warning about a field an event lacks). */
  private static List<String> auditFields(Use u) {
    return switch (u.key()) {
      case RESOURCE_TYPE -> List.of("ResourceType");
      case ACTION -> List.of("Action");
      case BUILD_REASON -> List.of("AdditionalFields");
      case RESOURCE_ID -> List.of("ResourceID");
      case REQUEST_ID -> List.of("RequestID");
      case RESOURCE_TARGET -> List.of("ResourceTarget");
      case EMAIL -> List.of("actor");
      case USERNAME -> Uuids.canonical(u.value()) != null ? List.of("UserID") : List.of("actor");
      case DATE_FROM, DATE_TO -> List.of("Time");
      case ORGANIZATION -> List.of("OrganizationID");
      default -> List.of();
    };
  }

  /** The connection-event fields a term reads. */
  private static List<String> connectionFields(Use u) {
    return switch (u.key()) {
      case TYPE -> List.of("Type");
      case STATUS -> List.of("Type", "ConnectionStatus");
      case WORKSPACE_ID -> List.of("WorkspaceID");
      case CONNECTION_ID -> List.of("ConnectionID");
      case CONNECTED_AFTER, CONNECTED_BEFORE -> List.of("Time");
      case ORGANIZATION -> List.of("OrganizationID");
      case WORKSPACE_OWNER, WORKSPACE_OWNER_EMAIL -> List.of("WorkspaceOwnerID");
      case USER_EMAIL, USERNAME -> List.of("UserID");
      default -> List.of();
    };
  }

  private Condition condition(Use u, Set<Kind> kinds, List<String> errors, List<String> warnings) {
    String key = u.name();
    String v = u.value();
    return switch (u.key()) {
      case RESOURCE_TYPE ->
          enumCondition(
              u,
              CoderEnums.RESOURCE_TYPES,
              errors,
              want -> audit(e -> want.equals(EventReads.lower(new AuditView(e).resourceType()))));
      case ACTION ->
          enumCondition(
              u,
              CoderEnums.AUDIT_ACTIONS,
              errors,
              want -> audit(e -> want.equals(EventReads.lower(new AuditView(e).action()))));
      case BUILD_REASON ->
          enumCondition(
              u,
              CoderEnums.BUILD_REASONS,
              errors,
              want -> audit(e -> want.equals(EventReads.lower(EventReads.buildReason(json, e)))));
      case TYPE ->
          enumCondition(
              u,
              CoderEnums.CONNECTION_TYPES,
              errors,
              want -> connection(e -> want.equals(EventReads.lower(new ConnectionView(e).type()))));
      case STATUS ->
          enumCondition(
              u,
              CoderEnums.CONNECTION_LOG_STATUSES,
              errors,
              want -> {
                // ongoing = the connect event of a session; completed = its disconnect event (§8).
                String status = want.equals("ongoing") ? "connected" : "disconnected";
                return connection(
                    e ->
                        EventReads.sessionEvent(e)
                            && status.equals(EventReads.connectionStatus(e)));
              });
      case RESOURCE_ID ->
          uuidCondition(u, errors, id -> audit(e -> Uuids.same(id, new AuditView(e).resourceId())));
      case REQUEST_ID ->
          uuidCondition(u, errors, id -> audit(e -> Uuids.same(id, new AuditView(e).requestId())));
      case WORKSPACE_ID ->
          uuidCondition(
              u,
              errors,
              id -> connection(e -> Uuids.same(id, new ConnectionView(e).workspaceId())));
      case CONNECTION_ID ->
          uuidCondition(
              u,
              errors,
              id -> connection(e -> Uuids.same(id, new ConnectionView(e).connectionId())));
      case RESOURCE_TARGET -> {
        // Case-insensitive on purpose: Coder lower-cases the query but compares exactly, so a
        // target
        // with a capital letter can never match there (§7.1); the operator means the target.
        String want = v.toLowerCase(Locale.ROOT);
        yield new Condition(
            key + ":" + quoteIfNeeded(v),
            e -> want.equals(EventReads.lower(new AuditView(e).resourceTarget())),
            null);
      }
      case EMAIL -> {
        // The actor's email; case-insensitive for the same reason as resource_target.
        String want = v.toLowerCase(Locale.ROOT);
        yield new Condition(
            key + ":" + quoteIfNeeded(v),
            e -> {
              Value.Actor a = new AuditView(e).actor();
              return a != null && want.equals(a.email().toLowerCase(Locale.ROOT));
            },
            null);
      }
      case DATE_FROM, DATE_TO -> {
        GoTimeParser.Result r = GoTimeParser.parseDate(v);
        if (!r.ok()) {
          errors.add(
              "Query param "
                  + GoQuote.q(key)
                  + " must be a valid date format ("
                  + GoTimeParser.DATE_LAYOUT
                  + "): "
                  + r.error());
          yield null;
        }
        Instant from = r.instant();
        if (u.key() == QueryKey.DATE_FROM) {
          yield new Condition(
              key + ":" + v,
              e -> {
                Instant t = EventReads.time(e);
                return t != null && !t.isBefore(from);
              },
              null);
        }
        // The whole day, up to the next midnight UTC. Coder stops at 23:59:59.000000 (it adds
        // 23h59m59s), which loses events in the day's last second.
        Instant end = from.plus(1, ChronoUnit.DAYS);
        yield new Condition(
            key + ":" + v,
            e -> {
              Instant t = EventReads.time(e);
              return t != null && t.isBefore(end);
            },
            null);
      }
      case CONNECTED_AFTER, CONNECTED_BEFORE -> {
        // Coder upper-cases the term before parsing, because its whole query was lower-cased
        // (§7.3).
        GoTimeParser.Result r = GoTimeParser.parseRfc3339Nano(v.toUpperCase(Locale.ROOT));
        if (!r.ok()) {
          errors.add(
              "Query param "
                  + GoQuote.q(key)
                  + " must be a valid date format ("
                  + GoTimeParser.RFC3339_NANO_LAYOUT
                  + "): "
                  + r.error());
          yield null;
        }
        Instant bound = r.instant();
        boolean after = u.key() == QueryKey.CONNECTED_AFTER;
        yield new Condition(
            key + ":" + bound,
            null,
            e -> {
              Instant t = EventReads.time(e);
              return t != null && (after ? !t.isBefore(bound) : !t.isAfter(bound));
            });
      }
      case ORGANIZATION -> {
        String id = resolve(u, Target.ORGANIZATION, false, errors, warnings);
        if (id == null) {
          yield null;
        }
        Predicate<Event> p = e -> Uuids.same(id, e.string("OrganizationID"));
        yield new Condition(key + ":" + id, p, p);
      }
      case WORKSPACE_OWNER -> {
        String id = resolve(u, Target.USERNAME, false, errors, warnings);
        yield id == null
            ? null
            : connection(
                key + ":" + id, e -> Uuids.same(id, new ConnectionView(e).workspaceOwnerId()));
      }
      case WORKSPACE_OWNER_EMAIL -> {
        String id = resolve(u, Target.EMAIL, false, errors, warnings);
        yield id == null
            ? null
            : connection(
                key + ":" + id, e -> Uuids.same(id, new ConnectionView(e).workspaceOwnerId()));
      }
      case USER_EMAIL -> {
        String id = resolve(u, Target.EMAIL, false, errors, warnings);
        yield id == null
            ? null
            : connection(key + ":" + id, e -> Uuids.same(id, new ConnectionView(e).userId()));
      }
      case USERNAME -> usernameCondition(u, kinds, errors, warnings);
      case KIND -> throw new IllegalStateException("kind is not a condition");
    };
  }

  // Audit events carry the actor's username, so they need no lookup; connection events carry only
  // the
  // UserID of whoever opened a web app or port (§3), so there the name is looked up.
  private Condition usernameCondition(
      Use u, Set<Kind> kinds, List<String> errors, List<String> warnings) {
    String v = u.value();
    if (v.equalsIgnoreCase("me")) {
      errors.add(meError(u.name()));
      return null;
    }
    String uuid = Uuids.canonical(v);
    Predicate<Event> audit = null;
    if (kinds.contains(Kind.AUDIT)) {
      String want = v.toLowerCase(Locale.ROOT);
      audit =
          uuid != null
              ? e -> {
                AuditView a = new AuditView(e);
                return Uuids.same(uuid, a.userId())
                    || a.actor() != null && Uuids.same(uuid, a.actor().id());
              }
              : e -> {
                Value.Actor a = new AuditView(e).actor();
                return a != null && want.equals(a.username().toLowerCase(Locale.ROOT));
              };
    }
    Predicate<Event> connection = null;
    String id = uuid;
    if (kinds.contains(Kind.CONNECTION)) {
      id = resolve(u, Target.USERNAME, kinds.contains(Kind.AUDIT), errors, warnings);
      if (id == null) {
        return null;
      }
      String want = id;
      connection = e -> Uuids.same(want, new ConnectionView(e).userId());
    }
    String shown = id != null && !kinds.contains(Kind.AUDIT) ? id : quoteIfNeeded(v);
    return new Condition(u.name() + ":" + shown, audit, connection);
  }

  /** What a name stands for, and how the error messages speak of it. */
  private enum Target {
    ORGANIZATION("organization name", "organization", "it", "use the organization ID (a UUID)"),
    USERNAME("username", "user", "them", "use the user ID (a UUID)"),
    EMAIL("email", "user", "them", null);

    final String what;
    final String noun;
    final String pronoun;
    final String useId;

    Target(String what, String noun, String pronoun, String useId) {
      this.what = what;
      this.noun = noun;
      this.pronoun = pronoun;
      this.useId = useId;
    }
  }

  /**
   * What a user name or email Coder does not know resolves to: no event carries it, so the term
   * matches nothing, as the same query does in Coder (its SQL compares with a sub-select that finds
   * no user).
   */
  static final String NO_SUCH_USER = "<no such user>";

  // The ID for a name or ID value, or null after adding the error.
  private String resolve(
      Use u, Target target, boolean auditToo, List<String> errors, List<String> warnings) {
    String key = u.name();
    String v = u.value();
    if (target == Target.USERNAME && v.equalsIgnoreCase("me")) {
      errors.add(meError(key));
      return null;
    }
    if (target != Target.EMAIL) {
      String uuid = Uuids.canonical(v);
      if (uuid != null) {
        return uuid;
      }
    }
    NameResolver.Lookup lookup =
        switch (target) {
          case ORGANIZATION -> resolver.organization(v);
          case USERNAME -> resolver.userByName(v);
          case EMAIL -> resolver.userByEmail(v);
        };
    if (lookup == null) {
      lookup = NameResolver.Lookup.unavailable("the lookup gave no answer");
    }
    if (lookup instanceof NameResolver.Lookup.Found f) {
      String id = Uuids.canonical(f.id());
      if (id != null) {
        return id;
      }
      lookup =
          NameResolver.Lookup.unavailable(
              "Coder gave " + GoQuote.q(f.id()) + ", which is not a UUID");
    }
    if (lookup instanceof NameResolver.Lookup.NotFound && target != Target.ORGANIZATION) {
      // Coder accepts a user it does not know in username, user_email, workspace_owner and
      // workspace_owner_email (plain strings in coderd/searchquery, compared in SQL): the query is
      // valid and matches nothing. Only organization is refused (parseOrganization).
      warnings.add(
          "Query param "
              + GoQuote.q(key)
              + ": Coder knows no user "
              + GoQuote.q(v)
              + ", so this term matches no event (as in Coder); check the "
              + target.what);
      return NO_SUCH_USER;
    }
    if (lookup instanceof NameResolver.Lookup.NotFound) {
      // Coder's wording (searchquery parseOrganization).
      errors.add(
          invalidValue(
              key,
              target.noun
                  + " "
                  + GoQuote.q(v)
                  + " either does not exist, or you are unauthorized to view "
                  + target.pronoun));
      return null;
    }
    String reason = ((NameResolver.Lookup.Unavailable) lookup).reason();
    String useId =
        target.useId != null
            ? target.useId
            : "use "
                + (key.equals(QueryKey.USER_EMAIL.key()) ? "username" : "workspace_owner")
                + ":<user ID>";
    String alsoAudit =
        auditToo ? ", or add kind:audit to match only audit events, which carry the username" : "";
    errors.add(
        invalidValue(
            key,
            "the "
                + target.what
                + " "
                + GoQuote.q(v)
                + " must be looked up in Coder to get its ID, but "
                + reason
                + (resolver == NameResolver.NONE
                    ? "; configure the Coder URL and session token, or "
                    : "; check that Coder answers at the configured URL and accepts the session"
                        + " token, or ")
                + useId
                + alsoAudit));
    return null;
  }

  private static String meError(String key) {
    return invalidValue(
        key,
        "\"me\" stands for the user signed in to the Coder dashboard, and the exporter"
            + " has none; use the username or the user ID");
  }

  private static String invalidValue(String key, String detail) {
    return "Query param " + GoQuote.q(key) + " has invalid value: " + detail;
  }

  private interface ConditionFor {
    Condition build(String want);
  }

  private static Condition enumCondition(
      Use u, Set<String> valid, List<String> errors, ConditionFor build) {
    String want = u.value().toLowerCase(Locale.ROOT);
    if (!valid.contains(want)) {
      // Coder's ParseEnum wording.
      errors.add(invalidValue(u.name(), GoQuote.q(u.value()) + " is not a valid value"));
      return null;
    }
    Condition c = build.build(want);
    return new Condition(u.name() + ":" + want, c.audit(), c.connection());
  }

  private interface IdCondition {
    Condition build(String id);
  }

  private static Condition uuidCondition(Use u, List<String> errors, IdCondition build) {
    String id = Uuids.canonical(u.value());
    if (id == null) {
      errors.add("Query param " + GoQuote.q(u.name()) + " must be a valid uuid");
      return null;
    }
    Condition c = build.build(id);
    return new Condition(u.name() + ":" + id, c.audit(), c.connection());
  }

  private static Condition audit(Predicate<Event> p) {
    return new Condition("", p, null);
  }

  private static Condition connection(Predicate<Event> p) {
    return new Condition("", null, p);
  }

  private static Condition connection(String text, Predicate<Event> p) {
    return new Condition(text, null, p);
  }

  private static String quoteIfNeeded(String v) {
    return v.chars().anyMatch(c -> c == ' ' || c == ':') ? "\"" + v + "\"" : v;
  }
}
