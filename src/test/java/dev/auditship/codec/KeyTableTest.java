package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyTableTest {
  private static byte[] bytes(String s) {
    return ("\"" + s + "\":").getBytes(StandardCharsets.UTF_8);
  }

  private static void findsExactlyItsKeys(Map<String, byte[]> m) {
    KeyTable t = new KeyTable(m);
    for (Map.Entry<String, byte[]> e : m.entrySet()) {
      assertThat(t.get(e.getKey())).isSameAs(e.getValue());
      // An equal key that is another String instance (read from input) is found too.
      assertThat(t.get(new String(e.getKey().toCharArray()))).isSameAs(e.getValue());
      assertThat(t.get(e.getKey() + "x")).isNull();
      assertThat(t.get("x" + e.getKey())).isNull();
    }
    assertThat(t.get("")).isNull();
    assertThat(t.get("not a key")).isNull();
  }

  @Test
  void theFormatsKeysAreFoundAndNothingElse() {
    Map<String, byte[]> m = new HashMap<>();
    for (Kind k : Kind.values()) {
      for (String f : k.fields()) {
        m.put(f, bytes(f));
      }
    }
    m.put("request_id", bytes("request_id"));
    findsExactlyItsKeys(m);
  }

  @Test
  void manyKeysWithoutAPerfectMultiplierAreProbed() {
    // Two thousand keys: no multiplier spreads them into distinct slots, so the table probes.
    Map<String, byte[]> m = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      m.put("key" + i, bytes("key" + i));
    }
    findsExactlyItsKeys(m);
  }

  @Test
  void emptyAndSingleTables() {
    findsExactlyItsKeys(Map.of());
    findsExactlyItsKeys(Map.of("ID", bytes("ID")));
  }
}
