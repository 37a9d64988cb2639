package org.ovgst.infer.engine;

/**
 * Ordered release: every frame and marker an engine accepted, in submission order, until handed
 * out: a ring that grows only when markers pile up (frames are bounded by the request pool).
 * Guarded by the instance lock.
 */
final class DeliveryOrder {
    private Object[] tags = new Object[64];
    private RequestSlot[] slotOf = new RequestSlot[64];
    private int[] indexOf = new int[64];
    private int head;
    private int size;
    /** Sequence number of the head entry: everything before it has been handed out. */
    private long headSeq;

    /** Adds a frame ({@code slot} and its index there) or a marker ({@code slot} null). */
    void add(Object tag, RequestSlot slot, int index) {
        if (size == tags.length) {
            grow();
        }
        int at = (head + size) & (tags.length - 1);
        tags[at] = tag;
        slotOf[at] = slot;
        indexOf[at] = index;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long headSeq() {
        return headSeq;
    }

    /** The sequence number the next entry will get. */
    long nextSeq() {
        return headSeq + size;
    }

    Object headTag() {
        return tags[head];
    }

    RequestSlot headSlot() {
        return slotOf[head];
    }

    int headIndex() {
        return indexOf[head];
    }

    void removeHead() {
        tags[head] = null;
        slotOf[head] = null;
        head = (head + 1) & (tags.length - 1);
        size--;
        headSeq++;
    }

    private void grow() {
        int capacity = tags.length * 2;
        Object[] newTags = new Object[capacity];
        RequestSlot[] newSlots = new RequestSlot[capacity];
        int[] newIndex = new int[capacity];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (tags.length - 1);
            newTags[i] = tags[from];
            newSlots[i] = slotOf[from];
            newIndex[i] = indexOf[from];
        }
        tags = newTags;
        slotOf = newSlots;
        indexOf = newIndex;
        head = 0;
    }
}
