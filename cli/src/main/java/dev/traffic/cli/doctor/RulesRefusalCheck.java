package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A request the proxy's rules must refuse is refused, with the rule's reason: proves the rules the
 * sandbox builder relies on are loaded and applied ({@code --expect-refused "DELETE https://..."}).
 * Nothing destructive can happen: if the rule is missing the request reaches the upstream, which is
 * why the builder names a request whose effect is acceptable (a branch that does not exist).
 */
public final class RulesRefusalCheck implements DoctorCheck {
    @Override
    public String name() {
        return "rules-refusal";
    }

    @Override
    public String description() {
        return "a request the rules must refuse is refused with the rule's reason";
    }

    @Override
    public java.util.Set<Profile> profiles() {
        return Profile.SANDBOX;
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Sandbox s = ctx.sandbox();
        if (s.refusedUrl() == null) return CheckResult.skip("no --expect-refused request given");
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(s.refusedUrl()).timeout(ctx.timeout().multipliedBy(3))
                    .header("Accept", "application/json, text/plain");
            b.method(s.refusedMethod(), HttpRequest.BodyPublishers.noBody());
            HttpResponse<String> r = ProxiedHttp.client(ctx).send(b.build(), HttpResponse.BodyHandlers.ofString());
            String shown = s.refusedMethod() + " " + s.refusedUrl();
            if (r.statusCode() != 403) {
                return CheckResult.fail(shown + " " + ProxiedHttp.via(ctx) + " was not refused (status " + r.statusCode() + ")",
                        "load the rules with traffic proxy --policy FILE (or --preset NAME); check with traffic policy explain "
                                + s.refusedMethod() + " " + s.refusedUrl());
            }
            String reason = r.body().length() > 200 ? r.body().substring(0, 200) + "..." : r.body();
            return CheckResult.pass(shown + " refused: " + reason.replaceAll("\\s+", " ").strip());
        } catch (IOException | java.security.GeneralSecurityException e) {
            return CheckResult.fail("could not send the request: " + e.getMessage(), "check that the proxy runs (proxy-reachable)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail("interrupted", "run again");
        }
    }
}
