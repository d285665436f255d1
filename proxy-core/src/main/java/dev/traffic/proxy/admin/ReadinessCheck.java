package dev.traffic.proxy.admin;

/** One condition of {@code /readyz} (e.g. "listening", "store writable", "CA loaded"). */
@FunctionalInterface
public interface ReadinessCheck {
    /** Null when ready; otherwise a short reason shown in the {@code /readyz} body. Must not block long. */
    String problem();
}
