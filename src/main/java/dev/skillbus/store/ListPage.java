package dev.skillbus.store;

import java.util.List;

/** One page of an owner's items that a {@link ListQuery} selects, newest first, and how many it selects in all. */
public record ListPage(List<Document> items, int total) {

  public ListPage {
    items = List.copyOf(items);
  }
}
