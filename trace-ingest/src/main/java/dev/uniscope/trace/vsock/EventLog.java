package dev.uniscope.trace.vsock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** A bounded, thread-safe log that callers can wait on (tests wait on events, never sleep). */
final class EventLog<T> {
  private final int capacity;
  private final ArrayDeque<T> items = new ArrayDeque<>();

  EventLog(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(T item) {
    if (items.size() == capacity) {
      items.removeFirst();
    }
    items.addLast(item);
    notifyAll();
  }

  synchronized List<T> snapshot() {
    return List.copyOf(items);
  }

  /** The first logged item matching {@code p}, waiting up to {@code timeout} for it. */
  synchronized Optional<T> await(Predicate<T> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (T t : items) {
        if (p.test(t)) {
          return Optional.of(t);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
