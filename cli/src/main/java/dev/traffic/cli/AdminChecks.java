package dev.traffic.cli;

import dev.traffic.ca.CertificateAuthority;
import dev.traffic.proxy.admin.ReadinessCheck;
import dev.traffic.store.FlowSink;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The readiness conditions of {@code traffic proxy}'s {@code /readyz}: listening, store writable, CA loaded. */
final class AdminChecks {
    private AdminChecks() {}

    static Map<String, ReadinessCheck> of(AtomicBoolean serving, FlowSink sink, CertificateAuthority ca) {
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("listening", () -> serving.get() ? null : "shutting down");
        checks.put("store writable", () -> sink.healthy() ? null : "the flow store cannot write (requests fail closed)");
        checks.put("CA loaded", () -> {
            try {
                ca.certificate().checkValidity();
                return null;
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                return "CA certificate " + ca.certificateFile() + " is not valid now: " + e.getMessage();
            }
        });
        return checks;
    }
}
