package dev.traffic.cli.doctor;

/**
 * Outcome of one check: {@code detail} says what was found (names, never secret values);
 * {@code fix} says what to do, for failures only. SKIP means "not applicable here", not a pass in disguise:
 * the detail says why.
 */
public record CheckResult(Status status, String detail, String fix) {
    public enum Status { PASS, FAIL, SKIP }

    public static CheckResult pass(String detail) {
        return new CheckResult(Status.PASS, detail, null);
    }

    public static CheckResult fail(String detail, String fix) {
        return new CheckResult(Status.FAIL, detail, fix);
    }

    public static CheckResult skip(String detail) {
        return new CheckResult(Status.SKIP, detail, null);
    }
}
