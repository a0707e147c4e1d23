package dev.auditship.source;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO hand-off between one producer and one consumer, bounded by the bytes its items hold rather
 * than by their number, so a run of huge events cannot fill the heap: {@link #put} blocks while the
 * queue holds {@code limit} bytes or more (an item larger than the limit still goes into an empty
 * queue). Thread-safe.
 */
final class ByteBoundedQueue<T> {
  private record Item<T>(T value, long bytes) {}

  private final long limit;
  private final ArrayDeque<Item<T>> items = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private long bytes;

  ByteBoundedQueue(long limit) {
    this.limit = limit;
  }

  /** Adds {@code value} weighing {@code size} bytes; blocks while the queue is full. */
  void put(T value, long size) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!items.isEmpty() && bytes + size > limit) {
        notFull.await();
      }
      items.addLast(new Item<>(value, size));
      bytes += size;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The head, waiting for one. */
  /**
   * {@link #put} of the first {@code n} of {@code values} (sizes in {@code sizes}), in order, under
   * one lock and with one wake-up of a waiting taker, instead of one of each per value. Waits, as
   * {@code put} does, while the queue is full; what it added before waiting can be taken meanwhile.
   */
  void putAll(T[] values, long[] sizes, int n) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      for (int i = 0; i < n; i++) {
        long size = sizes[i];
        if (!items.isEmpty() && bytes + size > limit) {
          notEmpty.signal();
          do {
            notFull.await();
          } while (!items.isEmpty() && bytes + size > limit);
        }
        items.addLast(new Item<>(values[i], size));
        bytes += size;
      }
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        notEmpty.await();
      }
      return remove();
    } finally {
      lock.unlock();
    }
  }

  /** The head, or {@code null} when nothing arrives within {@code nanos} (0: do not wait). */
  T poll(long nanos, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(nanos);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (left <= 0) {
          return null;
        }
        left = notEmpty.awaitNanos(left);
      }
      return remove();
    } finally {
      lock.unlock();
    }
  }

  /** The head, or {@code null} when empty; never waits and ignores interrupts. */
  T poll() {
    lock.lock();
    try {
      return items.isEmpty() ? null : remove();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves items from the head into {@code out} under one lock, without waiting: at most {@code
   * maxItems}, and while the bytes moved stay below {@code maxBytes} (so the last one may pass it).
   * Returns how many were moved (0 when empty).
   */
  int drainTo(List<? super T> out, int maxItems, long maxBytes) {
    lock.lock();
    try {
      int n = 0;
      long moved = 0;
      while (n < maxItems && moved < maxBytes && !items.isEmpty()) {
        Item<T> i = items.removeFirst();
        bytes -= i.bytes();
        moved += i.bytes();
        out.add(i.value());
        n++;
      }
      if (n > 0) {
        notFull.signal();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Items held now. */
  int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes held now. */
  long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private T remove() {
    Item<T> i = items.removeFirst();
    bytes -= i.bytes();
    notFull.signal();
    return i.value();
  }
}
