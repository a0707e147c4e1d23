package dev.auditship.codec.siem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The published OCSF schema (github.com/ocsf/ocsf-schema, vendored under
 * src/test/resources/ocsf-schema-1.2.0), compiled the way the OCSF server compiles it, and a
 * validator of events against it modelled on the server's event validator (ocsf-server
 * lib/schema/validator2.ex).
 *
 * <p>Compilation: a file's {@code attributes.$include} brings in the attributes of the included
 * files (an include or a profile; a profile's attributes are tagged with the profile's name) and
 * the file's own definitions are deep-merged over them; {@code extends} deep-merges the item over
 * its resolved parent (attributes key by key; other top-level keys such as {@code category} and
 * {@code constraints} inherited unless the child sets them, which is how {@code file.json}'s empty
 * {@code constraints} clears {@code _entity}'s); finally each attribute is the dictionary's
 * definition with the item's deep-merged over it ({@code enum}s are unions, an item's {@code
 * "profile": null} removes a profile tag). A class's {@code class_uid} is its category's uid × 1000
 * + its {@code uid}.
 *
 * <p>Validation, recursively through objects and arrays: every attribute must be defined for its
 * class or object (attributes tagged with a profile only when {@code metadata.profiles} names it;
 * an object with no attributes, {@code object} as used by {@code unmapped}, holds anything); every
 * required attribute present (JSON null counts as absent, as in the server); each value of its
 * dictionary type (integer_t 32-bit, long_t and timestamp_t 64-bit integers, float_t a JSON
 * fraction, boolean_t, string_t and its subtypes with their {@code max_len} in code points, {@code
 * range}, {@code values} and {@code regex}, json_t anything); enum values defined, and an enum's
 * sibling caption equal to the value's caption (any text for 99 Other); {@code at_least_one} and
 * {@code just_one} constraints; {@code category_uid}, {@code class_uid}, {@code type_uid} = class ×
 * 100 + activity and their captions ({@code type_name} = "class caption: activity caption");
 * profiles in {@code metadata.profiles} defined; {@code metadata.version} a released version not
 * newer than the schema; nothing deprecated used.
 *
 * <p>Stricter than the server, which only warns: a sibling caption that differs, a value that does
 * not match its type's regex, a deprecated class, object, attribute or enum value. Not checked:
 * {@code observables} (not written by auditship), the {@code datetime} profile's generated {@code
 * *_dt} attributes (never listed in {@code metadata.profiles} by auditship, so rejected as
 * unknown), recommended attributes.
 */
final class OcsfSchema {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Enum values in numeric order (a few enums, such as HTTP methods, have text values). */
  private static final Comparator<String> ENUM_ORDER =
      (a, b) ->
          a.matches("-?\\d+") && b.matches("-?\\d+")
              ? Long.compare(Long.parseLong(a), Long.parseLong(b))
              : a.compareTo(b);

  /** A compiled attribute of a class or object. */
  record Attr(
      String name,
      String type,
      String primitive,
      String objectType,
      boolean array,
      String requirement,
      Map<String, String> enumCaptions,
      String sibling,
      String profile,
      boolean deprecated) {}

  /** A compiled class (uid ≥ 0) or object (uid -1). */
  record Item(
      String name,
      String caption,
      int uid,
      int categoryUid,
      String categoryCaption,
      Map<String, Attr> attributes,
      Map<String, List<String>> constraints,
      boolean deprecated) {
    boolean isClass() {
      return uid >= 0;
    }
  }

  private final String version;
  private final Map<Integer, Item> classes;
  private final Map<String, Item> objects;
  private final Set<String> profiles;
  private final JsonNode types;
  private final Map<String, Pattern> regexes = new HashMap<>();

  private OcsfSchema(
      String version,
      Map<Integer, Item> classes,
      Map<String, Item> objects,
      Set<String> profiles,
      JsonNode types) {
    this.version = version;
    this.classes = classes;
    this.objects = objects;
    this.profiles = profiles;
    this.types = types;
  }

  String version() {
    return version;
  }

  Item classByUid(int uid) {
    return classes.get(uid);
  }

  Item object(String name) {
    return objects.get(name);
  }

  /** The schema vendored under {@code resource} on the test class path (a directory). */
  static OcsfSchema load(String resource) {
    try {
      Path root = Path.of(OcsfSchema.class.getResource("/" + resource + "/version.json").toURI());
      return new Compiler(root.getParent()).compile();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Compilation

  private static final class Compiler {
    private final Path root;
    private final Map<String, JsonNode> rawClasses = new HashMap<>();
    private final Map<String, JsonNode> rawObjects = new HashMap<>();
    private final Map<String, ObjectNode> resolved = new HashMap<>();
    private JsonNode dictionary;
    private JsonNode categories;

    Compiler(Path root) {
      this.root = root;
    }

    OcsfSchema compile() throws IOException {
      dictionary = read(root.resolve("dictionary.json"));
      categories = read(root.resolve("categories.json")).path("attributes");
      String version = read(root.resolve("version.json")).path("version").asText();
      for (Path p : jsonFiles("events")) {
        JsonNode n = read(p);
        rawClasses.put(n.path("name").asText(), n);
      }
      for (Path p : jsonFiles("objects")) {
        JsonNode n = read(p);
        rawObjects.put(n.path("name").asText(), n);
      }
      Set<String> profileNames = new TreeSet<>();
      for (Path p : jsonFiles("profiles")) {
        profileNames.add(read(p).path("name").asText());
      }
      Map<Integer, Item> classes = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : rawClasses.entrySet()) {
        JsonNode raw = e.getValue();
        if (!raw.has("uid") && !e.getKey().equals("base_event")) {
          continue; // a category's abstract parent (network, iam, ...), not an event class
        }
        ObjectNode c = resolve("class:" + e.getKey());
        String category = c.path("category").asText();
        JsonNode cat = categories.path(category);
        int categoryUid = cat.isMissingNode() ? 0 : cat.path("uid").asInt();
        String categoryCaption =
            cat.isMissingNode() ? "Uncategorized" : cat.path("caption").asText();
        int uid =
            e.getKey().equals("base_event") ? 0 : categoryUid * 1000 + raw.path("uid").asInt();
        Item item = item(c, uid, categoryUid, categoryCaption);
        if (classes.put(uid, item) != null) {
          throw new IllegalStateException("two classes with class_uid " + uid);
        }
      }
      Map<String, Item> objects = new HashMap<>();
      for (String name : rawObjects.keySet()) {
        objects.put(name, item(resolve("object:" + name), -1, -1, null));
      }
      return new OcsfSchema(
          version, classes, objects, profileNames, dictionary.path("types").path("attributes"));
    }

    private List<Path> jsonFiles(String dir) throws IOException {
      try (Stream<Path> s = Files.walk(root.resolve(dir))) {
        return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      }
    }

    private static JsonNode read(Path p) throws IOException {
      return JSON.readTree(p.toFile());
    }

    /** A class or object with its includes and its parents merged in. */
    private ObjectNode resolve(String key) throws IOException {
      ObjectNode done = resolved.get(key);
      if (done != null) {
        return done;
      }
      boolean isClass = key.startsWith("class:");
      String name = key.substring(key.indexOf(':') + 1);
      JsonNode raw = (isClass ? rawClasses : rawObjects).get(name);
      if (raw == null) {
        throw new IllegalStateException("the schema defines no " + key);
      }
      ObjectNode own = raw.deepCopy();
      own.set("attributes", expandIncludes(raw.path("attributes")));
      ObjectNode out;
      String parent = raw.path("extends").asText("");
      if (!parent.isEmpty()) {
        out = resolve((isClass ? "class:" : "object:") + parent).deepCopy();
        out.remove(List.of("uid", "name", "caption", "description", "@deprecated"));
        // Top-level keys replace the parent's (file.json's empty constraints clear _entity's);
        // attributes merge key by key.
        ObjectNode attributes = (ObjectNode) out.get("attributes");
        out.setAll(own);
        deepMerge(attributes, own.get("attributes"));
        out.set("attributes", attributes);
      } else {
        out = own;
      }
      resolved.put(key, out);
      return out;
    }

    /** The attributes of a file with {@code $include}s replaced by what they bring in. */
    private ObjectNode expandIncludes(JsonNode attributes) throws IOException {
      ObjectNode merged = JsonNodeFactory.instance.objectNode();
      for (JsonNode inc : attributes.path("$include")) {
        String path = inc.asText();
        JsonNode included = read(root.resolve(path));
        ObjectNode attrs = expandIncludes(included.path("attributes"));
        if (path.startsWith("profiles/")) {
          String profile = included.path("name").asText();
          for (Iterator<JsonNode> it = attrs.elements(); it.hasNext(); ) {
            ((ObjectNode) it.next()).put("profile", profile);
          }
        }
        deepMerge(merged, attrs);
      }
      ObjectNode own = attributes.isObject() ? attributes.deepCopy() : merged.objectNode();
      own.remove("$include");
      deepMerge(merged, own);
      return merged;
    }

    private Item item(ObjectNode c, int uid, int categoryUid, String categoryCaption) {
      Map<String, Attr> attrs = new LinkedHashMap<>();
      JsonNode dict = dictionary.path("attributes");
      JsonNode typeDefs = dictionary.path("types").path("attributes");
      for (Map.Entry<String, JsonNode> e : c.path("attributes").properties()) {
        String name = e.getKey();
        if (e.getValue().isNull()) {
          continue; // a child's null removes the parent's attribute (none in 1.2.0)
        }
        JsonNode d = dict.path(name);
        if (d.isMissingNode()) {
          throw new IllegalStateException(
              c.path("name").asText() + "." + name + " is not in the dictionary");
        }
        ObjectNode a = d.deepCopy();
        deepMerge(a, e.getValue());
        String type = a.path("type").asText();
        String primitive = null;
        String objectType = null;
        if (typeDefs.has(type)) {
          primitive = typeDefs.path(type).path("type").asText(type);
        } else if (rawObjects.containsKey(type)) {
          objectType = type;
        } else {
          throw new IllegalStateException(name + " has unknown type " + type);
        }
        Map<String, String> captions = null;
        if (a.has("enum")) {
          captions = new TreeMap<>(ENUM_ORDER);
          for (Map.Entry<String, JsonNode> v : a.get("enum").properties()) {
            String caption = v.getValue().path("caption").asText();
            captions.put(
                v.getKey(), v.getValue().has("@deprecated") ? "\0deprecated\0" + caption : caption);
          }
        }
        JsonNode profile = a.path("profile");
        attrs.put(
            name,
            new Attr(
                name,
                type,
                primitive,
                objectType,
                a.path("is_array").asBoolean(false),
                a.path("requirement").asText("optional"),
                captions,
                a.path("sibling").isTextual() ? a.get("sibling").asText() : null,
                profile.isTextual() ? profile.asText() : null,
                a.has("@deprecated")));
      }
      if (uid >= 0) {
        // As the server does, a class's class_uid and category_uid enums are its own uid and
        // category (classification.json only lists 0, Base Event and Uncategorized).
        enumOf(attrs, "class_uid", uid, c.path("caption").asText());
        enumOf(attrs, "category_uid", categoryUid, categoryCaption);
      }
      Map<String, List<String>> constraints = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : c.path("constraints").properties()) {
        List<String> keys = new ArrayList<>();
        e.getValue().forEach(k -> keys.add(k.asText()));
        constraints.put(e.getKey(), keys);
      }
      return new Item(
          c.path("name").asText(),
          c.path("caption").asText(),
          uid,
          categoryUid,
          categoryCaption,
          attrs,
          constraints,
          c.has("@deprecated"));
    }

    private static void enumOf(Map<String, Attr> attrs, String name, int value, String caption) {
      Attr a = attrs.get(name);
      attrs.put(
          name,
          new Attr(
              a.name(),
              a.type(),
              a.primitive(),
              a.objectType(),
              a.array(),
              a.requirement(),
              Map.of(Integer.toString(value), caption),
              a.sibling(),
              a.profile(),
              a.deprecated()));
    }

    /** Merges {@code over} into {@code base}: objects key by key, anything else replaced. */
    private static void deepMerge(ObjectNode base, JsonNode over) {
      for (Map.Entry<String, JsonNode> e : over.properties()) {
        JsonNode b = base.get(e.getKey());
        if (b instanceof ObjectNode bo && e.getValue().isObject()) {
          deepMerge(bo, e.getValue());
        } else {
          base.set(e.getKey(), e.getValue().deepCopy());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation

  /**
   * Every violation of the schema by {@code event}, each as {@code "<record>: <path>: <rule>:
   * <detail>"}; empty when the event is valid.
   */
  List<String> validate(String record, JsonNode event) {
    List<String> out = new ArrayList<>();
    Problems p =
        (path, rule, detail) -> out.add(record + ": " + path + ": " + rule + ": " + detail);
    if (!event.isObject()) {
      p.add("$", "event_type", "an event is a JSON object, got " + kind(event));
      return out;
    }
    JsonNode classUid = event.get("class_uid");
    if (classUid == null || classUid.isNull()) {
      p.add("class_uid", "attribute_required_missing", "required attribute is missing");
      return out;
    }
    if (!isInt(classUid)) {
      p.add("class_uid", "attribute_wrong_type", "expected integer_t, got " + kind(classUid));
      return out;
    }
    Item cls = classes.get(classUid.asInt());
    if (cls == null) {
      p.add("class_uid", "class_uid_unknown", "no class is defined for " + classUid);
      return out;
    }
    Set<String> eventProfiles = new TreeSet<>();
    JsonNode listed = event.path("metadata").path("profiles");
    for (int i = 0; i < listed.size(); i++) {
      String name = listed.get(i).asText();
      eventProfiles.add(name);
      if (listed.get(i).isTextual() && !profiles.contains(name)) {
        p.add(
            "metadata.profiles[" + i + "]",
            "profile_unknown",
            "no profile is defined for \"" + name + "\" (defined: " + profiles + ")");
      }
    }
    if (cls.deprecated()) {
      p.add("class_uid", "class_deprecated", "class " + cls.name() + " is deprecated");
    }
    object("", (ObjectNode) event, cls, eventProfiles, p);
    classification(event, cls, p);
    version(event, p);
    return out;
  }

  @FunctionalInterface
  private interface Problems {
    void add(String path, String rule, String detail);
  }

  private void object(String path, ObjectNode node, Item item, Set<String> on, Problems p) {
    String where = (item.isClass() ? "class " : "object ") + item.name();
    if (item.attributes().isEmpty()) {
      return; // "object": open-ended, e.g. unmapped
    }
    for (Attr a : item.attributes().values()) {
      if (a.profile() != null && !on.contains(a.profile())) {
        continue;
      }
      String at = join(path, a.name());
      JsonNode v = node.get(a.name());
      if (v == null || v.isNull()) {
        if (a.requirement().equals("required")) {
          p.add(at, "attribute_required_missing", "required by " + where + " is missing");
        }
        continue;
      }
      if (a.deprecated()) {
        p.add(at, "attribute_deprecated", "deprecated in " + where);
      }
      boolean typed = true;
      if (a.array()) {
        if (!v.isArray()) {
          p.add(
              at, "attribute_wrong_type", "expected an array of " + a.type() + ", got " + kind(v));
          continue;
        }
        for (int i = 0; i < v.size(); i++) {
          typed &= value(at + "[" + i + "]", v.get(i), a, on, p);
        }
      } else {
        typed = value(at, v, a, on, p);
      }
      if (typed && a.enumCaptions() != null) {
        enumeration(path, node, a, p);
      }
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      Attr a = item.attributes().get(k);
      if (a == null) {
        p.add(join(path, k), "attribute_unknown", "not defined in " + where);
      } else if (a.profile() != null && !on.contains(a.profile())) {
        p.add(
            join(path, k),
            "attribute_unknown",
            "defined in "
                + where
                + " only by profile \""
                + a.profile()
                + "\", which metadata.profiles does not name");
      }
    }
    for (Map.Entry<String, List<String>> c : item.constraints().entrySet()) {
      long n = c.getValue().stream().filter(k -> node.hasNonNull(k)).count();
      switch (c.getKey()) {
        case "at_least_one" -> {
          if (n == 0) {
            p.add(
                path.isEmpty() ? "$" : path,
                "constraint_failed",
                where + " needs at least one of " + c.getValue());
          }
        }
        case "just_one" -> {
          if (n != 1) {
            p.add(
                path.isEmpty() ? "$" : path,
                "constraint_failed",
                where + " needs exactly one of " + c.getValue() + ", got " + n);
          }
        }
        default ->
            p.add(path, "constraint_unknown", "schema constraint " + c.getKey() + " not known");
      }
    }
  }

  /** Checks one value (an array's element); false when it is not of the attribute's type. */
  private boolean value(String at, JsonNode v, Attr a, Set<String> on, Problems p) {
    if (a.objectType() != null) {
      if (!v.isObject()) {
        p.add(
            at, "attribute_wrong_type", "expected " + a.objectType() + " (object), got " + kind(v));
        return false;
      }
      Item o = objects.get(a.objectType());
      if (o.deprecated()) {
        p.add(at, "object_deprecated", "object " + o.name() + " is deprecated");
      }
      object(at, (ObjectNode) v, o, on, p);
      return true;
    }
    String expected =
        a.type().equals(a.primitive()) ? a.type() : a.type() + " (" + a.primitive() + ")";
    boolean ok =
        switch (a.primitive()) {
          case "boolean_t" -> v.isBoolean();
          case "integer_t" -> isInt(v);
          case "long_t" -> v.isIntegralNumber() && v.canConvertToLong();
          case "float_t" -> v.isFloatingPointNumber();
          case "string_t" -> v.isTextual();
          case "json_t" -> true;
          default -> {
            p.add(at, "schema_bug_primitive_type_unknown", a.primitive());
            yield true;
          }
        };
    if (!ok) {
      p.add(at, "attribute_wrong_type", "expected " + expected + ", got " + kind(v));
      return false;
    }
    for (String t :
        a.type().equals(a.primitive()) ? List.of(a.type()) : List.of(a.type(), a.primitive())) {
      constraints(at, v, t, p);
    }
    return true;
  }

  /** The dictionary type's own limits: max_len, range, values, regex. */
  private void constraints(String at, JsonNode v, String typeName, Problems p) {
    JsonNode t = types.path(typeName);
    if (t.has("max_len") && v.isTextual()) {
      String s = v.asText();
      int len = s.codePointCount(0, s.length());
      if (len > t.get("max_len").asInt()) {
        p.add(
            at,
            "attribute_value_exceeds_max_len",
            "length " + len + " exceeds type " + typeName + " max_len " + t.get("max_len"));
      }
    }
    if (t.has("range") && v.isNumber()) {
      if (v.asDouble() < t.get("range").get(0).asDouble()
          || v.asDouble() > t.get("range").get(1).asDouble()) {
        p.add(
            at,
            "attribute_value_exceeds_range",
            v + " is outside type " + typeName + " range " + t.get("range"));
      }
    }
    if (t.has("values")) {
      boolean found = false;
      for (JsonNode allowed : t.get("values")) {
        found |= allowed.equals(v);
      }
      if (!found) {
        p.add(
            at,
            "attribute_value_not_in_type_values",
            v + " not in type " + typeName + " values " + t.get("values"));
      }
    }
    if (t.has("regex") && v.isTextual()) {
      Pattern re = regexes.computeIfAbsent(typeName, k -> Pattern.compile(t.get("regex").asText()));
      if (!re.matcher(v.asText()).find()) {
        p.add(
            at,
            "attribute_value_regex_not_matched",
            "does not match the regex of type " + typeName);
      }
    }
  }

  private static void enumeration(String path, ObjectNode node, Attr a, Problems p) {
    JsonNode v = node.get(a.name());
    String at = join(path, a.name());
    List<JsonNode> values = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(values::add);
    } else {
      values.add(v);
    }
    for (int i = 0; i < values.size(); i++) {
      JsonNode one = values.get(i);
      String where = v.isArray() ? at + "[" + i + "]" : at;
      String caption = a.enumCaptions().get(one.asText());
      if (!one.isValueNode() || caption == null) {
        p.add(
            where,
            "attribute_enum_value_unknown",
            one + " is not defined for enum " + a.name() + " " + a.enumCaptions().keySet());
        continue;
      }
      if (caption.startsWith("\0deprecated\0")) {
        p.add(
            where,
            "attribute_enum_value_deprecated",
            one + " of enum " + a.name() + " is deprecated");
        caption = caption.substring("\0deprecated\0".length());
      }
      if (a.sibling() == null || !node.has(a.sibling())) {
        continue;
      }
      JsonNode s = node.get(a.sibling());
      if (v.isArray()) {
        s = s.path(i);
      }
      String sAt = join(path, a.sibling()) + (v.isArray() ? "[" + i + "]" : "");
      if (one.asText().equals("99")) {
        if (!s.isTextual() || s.asText().isEmpty()) {
          p.add(
              sAt,
              "attribute_enum_sibling_incorrect",
              "99 (Other) needs the source's caption as text");
        }
      } else if (!caption.equals(s.asText()) || !s.isTextual()) {
        p.add(
            sAt,
            "attribute_enum_sibling_incorrect",
            "expected \"" + caption + "\" (the caption of " + a.name() + " " + one + "), got " + s);
      }
    }
  }

  /** category_uid, class_uid, type_uid and their captions. */
  private static void classification(JsonNode e, Item cls, Problems p) {
    if (cls.uid() != 0 && cls.uid() / 1000 != cls.categoryUid()) {
      p.add("class_uid", "schema_bug", "class_uid is not category_uid * 1000 + n");
    }
    JsonNode activity = e.get("activity_id");
    JsonNode type = e.get("type_uid");
    if (activity != null && type != null && isInt(activity) && type.isIntegralNumber()) {
      long expected = cls.uid() * 100L + activity.asLong();
      if (type.asLong() != expected) {
        p.add(
            "type_uid",
            "type_uid_incorrect",
            "expected class_uid "
                + cls.uid()
                + " * 100 + activity_id "
                + activity
                + " = "
                + expected
                + ", got "
                + type);
      }
      String activityCaption =
          cls.attributes().get("activity_id").enumCaptions().get(activity.asText());
      if (activityCaption != null && activity.asInt() != 99) {
        caption(e, "type_name", cls.caption() + ": " + activityCaption, p);
      } else if (activity.asInt() == 99 && e.has("type_name")) {
        String prefix = cls.caption() + ": ";
        if (!e.get("type_name").asText().startsWith(prefix) || !e.get("type_name").isTextual()) {
          p.add(
              "type_name",
              "type_name_incorrect",
              "expected \"" + prefix + "<activity_name>\", got " + e.get("type_name"));
        } else if (e.has("activity_name")
            && !e.get("type_name").asText().equals(prefix + e.get("activity_name").asText())) {
          p.add(
              "type_name",
              "type_name_incorrect",
              "expected \""
                  + prefix
                  + e.get("activity_name").asText()
                  + "\" (activity_name), got "
                  + e.get("type_name"));
        }
      }
    }
  }

  private static void caption(JsonNode e, String attr, String expected, Problems p) {
    if (e.has(attr) && !expected.equals(e.get(attr).asText())) {
      p.add(attr, attr + "_incorrect", "expected \"" + expected + "\", got " + e.get(attr));
    }
  }

  private void version(JsonNode e, Problems p) {
    JsonNode v = e.path("metadata").path("version");
    if (!v.isTextual()) {
      return; // missing or wrong type: reported as metadata's attributes
    }
    String s = v.asText();
    if (!s.matches("\\d+\\.\\d+\\.\\d+(-dev|-rc\\.\\d+)?")) {
      p.add(
          "metadata.version", "version_invalid_format", "\"" + s + "\" is not a semantic version");
    } else if (compare(s, "1.0.0") < 0 || compare(s, version) > 0) {
      p.add(
          "metadata.version",
          "version_incompatible",
          "\"" + s + "\" is outside 1.0.0 to " + version + ", the schema's version");
    }
  }

  private static int compare(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < 3; i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static boolean isInt(JsonNode v) {
    return v.isIntegralNumber()
        && v.canConvertToLong()
        && v.asLong() >= Integer.MIN_VALUE
        && v.asLong() <= Integer.MAX_VALUE;
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case NUMBER -> v.isIntegralNumber() ? "integer " + v : "float " + v;
      case STRING -> "string";
      case BOOLEAN -> "boolean " + v;
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
