package dev.auditship.filter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A NameResolver with fixed answers that records every lookup. Unknown names are not found. */
final class FakeResolver implements NameResolver {
  final Map<String, Lookup> answers = new HashMap<>();
  final List<String> calls = new ArrayList<>();

  FakeResolver answer(String key, Lookup l) {
    answers.put(key, l);
    return this;
  }

  @Override
  public Lookup organization(String nameOrId) {
    return ask("organization:" + nameOrId);
  }

  @Override
  public Lookup userByName(String username) {
    return ask("user:" + username);
  }

  @Override
  public Lookup userByEmail(String email) {
    return ask("email:" + email);
  }

  private Lookup ask(String key) {
    calls.add(key);
    return answers.getOrDefault(key, Lookup.notFound());
  }
}
