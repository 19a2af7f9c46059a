package io.nginxalerts.testing.corpus;

/** A client IP as its case wrote it: the address a renamed address stands for. */
public record CaseIp(String caseId, String ip) {
    @Override
    public String toString() {
        return caseId + " " + ip;
    }
}
