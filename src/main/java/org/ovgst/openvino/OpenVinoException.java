package org.ovgst.openvino;

/**
 * A failed OpenVINO call, or a misuse of the binding that OpenVINO would have crashed on.
 * {@link #status()} is the {@code ov_status_e} name ({@code GENERAL_ERROR}, {@code NOT_FOUND}, ...)
 * or {@code null} when the error was found on the Java side.
 */
public class OpenVinoException extends RuntimeException {
    private final String status;

    public OpenVinoException(String message) {
        this(null, message, null);
    }

    public OpenVinoException(String status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public String status() {
        return status;
    }
}
