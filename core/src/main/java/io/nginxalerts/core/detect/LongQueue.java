package io.nginxalerts.core.detect;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A first-in first-out queue of longs in a growable ring buffer: a detector's window of timestamps
 * or values without boxing. Plain fields only, so Kryo copies it as it is.
 */
public final class LongQueue {
    private long[] items = new long[4];
    private int head;
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void addLast(long value) {
        if (size == items.length) {
            long[] grown = new long[items.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = items[(head + i) % items.length];
            }
            items = grown;
            head = 0;
        }
        items[(head + size) % items.length] = value;
        size++;
    }

    /** The i-th value from the front (0 is the oldest). */
    public long get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        return items[(head + i) % items.length];
    }

    public long first() {
        return get(0);
    }

    public long last() {
        return get(size - 1);
    }

    public long removeFirst() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        long value = items[head];
        head = (head + 1) % items.length;
        size--;
        return value;
    }

    public long removeLast() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        size--;
        return items[(head + size) % items.length];
    }

    /** Replaces the newest value. */
    public void setLast(long value) {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        items[(head + size - 1) % items.length] = value;
    }

    /** Empties the queue and gives back memory a burst took. */
    public void clear() {
        if (items.length > 64) {
            items = new long[4];
        } else {
            Arrays.fill(items, 0L);
        }
        head = 0;
        size = 0;
    }
}
