package dev.skillbus.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * By departed node, the rooms that scans of the rooms' states found holding its connections (see
 * {@link NodeDepartures#nodes}), until it was cleaned up after. What every scan found is kept: scans run
 * at once when nodes leave together, and one that began before a node was seen gone, ending last,
 * finds none of that node's rooms; it must not hide what an earlier one found.
 */
final class Strays {

  private final Map<String, Set<String>> byNode = new HashMap<>();

  /** What a scan found: by room, the departed nodes holding connections there. */
  void found(Map<String, ? extends Collection<String>> nodesByRoom) {
    nodesByRoom.forEach((roomId, nodes) -> nodes.forEach(node -> byNode.computeIfAbsent(node, n -> new HashSet<>()).add(roomId)));
  }

  /** The nodes found and not yet cleaned up after. */
  Set<String> nodes() {
    return Set.copyOf(byNode.keySet());
  }

  /** The rooms found holding connections of {@code node}. */
  Set<String> of(String node) {
    return Set.copyOf(byNode.getOrDefault(node, Set.of()));
  }

  /** {@code node}'s connections are out of {@code rooms}: those found since stay. */
  void cleaned(String node, Set<String> rooms) {
    byNode.computeIfPresent(node, (n, found) -> {
      found.removeAll(rooms);
      return found.isEmpty() ? null : found;
    });
  }
}
