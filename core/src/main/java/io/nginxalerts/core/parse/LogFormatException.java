package io.nginxalerts.core.parse;

/**
 * A log format that cannot be compiled. The message says what is wrong; {@link #variable()} names
 * the offending variable or directive when there is one, so that the caller can prefix the option
 * key it came from.
 */
public final class LogFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String variable;

    public LogFormatException(String message, String variable) {
        super(message);
        this.variable = variable;
    }

    /** The variable, directive or text at fault, or null when the format as a whole is. */
    public String variable() {
        return variable;
    }
}
