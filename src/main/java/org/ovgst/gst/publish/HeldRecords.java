package org.ovgst.gst.publish;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The records a broker publisher ({@link MqttPublisher}, {@link KafkaPublisher}) holds: those
 * waiting to be handed over, in order, and the bytes of every record held, handed over or not.
 * Beyond {@code maxQueued} records or {@code maxQueuedBytes} bytes the oldest waiting records are
 * dropped (the newest always stays), and each drop is told exactly once ({@link Drops}). Not
 * thread-safe: the publisher's lock guards it.
 */
final class HeldRecords<R extends HeldRecords.Held> {
    /** A record as held: its frame and its size in bytes. */
    interface Held {
        long frame();

        int size();
    }

    /** While drops go on with the broker there (it is slower than the stream), they are told this often. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final int maxQueued;
    private final long maxQueuedBytes;
    /** Not yet handed over: the oldest are dropped beyond the bounds. */
    final ArrayDeque<R> waiting = new ArrayDeque<>();
    final Drops drops = new Drops();
    private long bytes;
    /** When drops were last told, to tell them at most every {@link #REPORT_EVERY}. */
    private long lastReport = System.nanoTime() - REPORT_EVERY.toNanos();

    /**
     * At the end of the stream, with {@code lock} held: waits on it up to {@code limit} until
     * {@code stop} says so (every record answered, or the element released the wait).
     */
    static void awaitEnd(Object lock, Duration limit, BooleanSupplier stop) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        for (long left = limit.toNanos(); left > 0 && !stop.getAsBoolean(); left = until - System.nanoTime()) {
            lock.wait(Math.max(1, left / 1_000_000));
        }
    }

    HeldRecords(int maxQueued, long maxQueuedBytes) {
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /**
     * Queues {@code record}; beyond the bounds, counting {@code handedOver} records held elsewhere
     * (their bytes are counted here until {@link #answered}), the oldest waiting make room.
     */
    void add(R record, int handedOver) {
        waiting.addLast(record);
        bytes += record.size();
        while (waiting.size() > 1 && (waiting.size() + handedOver > maxQueued || bytes > maxQueuedBytes)) {
            R dropped = waiting.pollFirst();
            bytes -= dropped.size();
            drops.add(dropped.frame());
        }
    }

    /** A record handed over was answered for good: no longer held. */
    void answered(R record) {
        bytes -= record.size();
    }

    /** At the end of the stream: every record still waiting is given up, counted as dropped; how many. */
    int dropWaiting() {
        int count = waiting.size();
        for (R record : waiting) {
            drops.add(record.frame());
            bytes -= record.size();
        }
        waiting.clear();
        return count;
    }

    /** A report was told now: the next drops wait {@link #REPORT_EVERY}. */
    void told() {
        lastReport = System.nanoTime();
    }

    /**
     * The drops with the broker there ({@code broker}, e.g. "the MQTT broker at tcp://…"), once the
     * queue is empty again or the first is {@link #REPORT_EVERY} old, at most that often; else null.
     */
    String slowerReport(String broker) {
        if (drops.isEmpty() || drops.dueInMillis(REPORT_EVERY) > 0
                && !(waiting.isEmpty() && System.nanoTime() - lastReport >= REPORT_EVERY.toNanos())) {
            return null;
        }
        told();
        return broker + " took records slower than they came: " + drops.take("", bounds());
    }

    /** How long until {@link #slowerReport} may be due; 0: no drop to tell. */
    long untilSlowerReportMillis() {
        return drops.isEmpty() ? 0 : Math.max(1, drops.dueInMillis(REPORT_EVERY));
    }

    String bounds() {
        return "beyond max-queued=" + maxQueued + ", max-queued-bytes=" + maxQueuedBytes;
    }
}
