package dev.traffic.cli.doctor;

/**
 * One check of {@code traffic doctor}. Implementations are small, stateless, and read everything
 * from the {@link DoctorContext} (environment, home, addresses), so tests drive them on loopback.
 * To add a check: write a class and list it in {@link Doctor#CHECKS}.
 */
public interface DoctorCheck {
    /** Short stable id shown in the output and the JSON, e.g. {@code direct-egress}. */
    String name();

    /** One-line description of what passing means. */
    String description();

    CheckResult run(DoctorContext ctx);

    /** The profiles this check is expected to pass in; outside them it is not run (reported as SKIP). */
    default java.util.Set<Profile> profiles() {
        return Profile.ALL;
    }

    /** The invariant the check proves, for {@code doctor --list} and the docs (defaults to the description). */
    default String proves() {
        return description();
    }
}
