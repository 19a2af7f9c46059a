package io.nginxalerts.core.rules;

import java.util.List;

/**
 * Rule files that cannot be used. {@link #problems()} lists every problem found, each as {@code
 * file:line: message}, so a user can fix them all in one go.
 */
public class RuleException extends Exception {
    private final List<String> problems;

    public RuleException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
