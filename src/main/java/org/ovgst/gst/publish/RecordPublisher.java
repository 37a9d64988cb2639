package org.ovgst.gst.publish;

/**
 * ovmetapublish's output to a broker ({@link MqttPublisher}, {@link KafkaPublisher}): records go
 * into a bounded queue the streaming thread never waits on, a sender thread delivers them in
 * order, and what is dropped is counted and told, exactly, in WARNINGs.
 */
public interface RecordPublisher extends AutoCloseable {
    /** Queues the record of {@code frame}; never waits (beyond the bounds the oldest queued are dropped). */
    void offer(long frame, CharSequence record);

    /**
     * At the end of the stream: waits a few seconds at most for what is held to be delivered, then
     * tells what was not.
     */
    void flush() throws InterruptedException;

    /** Ends a {@link #flush} at once: the element is stopping. */
    void release();

    /** Delivers what it can in a few seconds, tells what is left, and disconnects. */
    @Override
    void close() throws InterruptedException;
}
