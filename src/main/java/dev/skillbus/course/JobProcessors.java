package dev.skillbus.course;

import com.hazelcast.map.EntryProcessor;
import java.util.HashMap;
import java.util.Map;

/**
 * The only ways the job maps change: entry processors, atomic on the owner of the key (a user, a
 * node), each a small map of session id to a note (the job's node, or its owner). An emptied map is
 * removed, so the maps hold only users and nodes with running jobs.
 */
final class JobProcessors {

  private JobProcessors() {
  }

  /** Adds {@code sessionId → note} unless the key holds {@code limit} jobs already; true when added. */
  record Add(String sessionId, String note, int limit) implements EntryProcessor<String, HashMap<String, String>, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> jobs = entry.getValue() == null ? new HashMap<>() : new HashMap<>(entry.getValue());
      if (!jobs.containsKey(sessionId) && jobs.size() >= limit) {
        return false;
      }
      jobs.put(sessionId, note);
      entry.setValue(jobs);
      return true;
    }
  }

  /** Removes a session; removing one that is not there changes nothing. */
  record Remove(String sessionId) implements EntryProcessor<String, HashMap<String, String>, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, HashMap<String, String>> entry) {
      if (entry.getValue() == null || !entry.getValue().containsKey(sessionId)) {
        return false;
      }
      HashMap<String, String> jobs = new HashMap<>(entry.getValue());
      jobs.remove(sessionId);
      entry.setValue(jobs.isEmpty() ? null : jobs);
      return true;
    }
  }
}
