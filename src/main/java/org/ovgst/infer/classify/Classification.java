package org.ovgst.infer.classify;

/**
 * What a classifier says about one region: DL Streamer's attribute fields.
 *
 * @param label the class name ({@code class N} without labels)
 * @param labelId the class index
 * @param confidence its probability, 0-1
 */
public record Classification(String label, int labelId, double confidence) {}
