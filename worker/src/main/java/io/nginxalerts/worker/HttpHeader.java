package io.nginxalerts.worker;

/** One custom header sent with every webhook request; the value is a secret (never logged). */
record HttpHeader(String name, String value) {
    @Override
    public String toString() {
        return name + ": ***";
    }
}
