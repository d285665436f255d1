package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A canary from the policy, sent to a sink, is blocked: proves inline detection runs with
 * {@code --on-finding block} and knows the canary ({@code --canary VALUE --canary-sink URL}).
 * The canary is a planted fake credential, so sending it is harmless; it is never printed.
 */
public final class CanaryBlockedCheck implements DoctorCheck {
    @Override
    public String name() {
        return "canary-blocked";
    }

    @Override
    public String description() {
        return "a policy canary sent to a sink is blocked";
    }

    @Override
    public java.util.Set<Profile> profiles() {
        return Profile.SANDBOX;
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Sandbox s = ctx.sandbox();
        if (s.canary() == null || s.canarySink() == null) return CheckResult.skip("no --canary and --canary-sink given");
        try {
            HttpRequest req = HttpRequest.newBuilder(s.canarySink()).timeout(ctx.timeout().multipliedBy(3))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"note\":\"traffic doctor canary probe\",\"token\":\""
                            + s.canary().replace("\"", "") + "\"}"))
                    .build();
            HttpResponse<String> r = ProxiedHttp.client(ctx).send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 403) {
                return CheckResult.fail("the canary reached " + s.canarySink().getHost() + " " + ProxiedHttp.via(ctx) + " (status "
                        + r.statusCode() + ")", "run the proxy with --policy FILE (listing the canary) and --on-finding block");
            }
            return CheckResult.pass("canary to " + s.canarySink().getHost() + " blocked (403)");
        } catch (IOException | java.security.GeneralSecurityException e) {
            return CheckResult.fail("could not send the canary: " + e.getMessage(), "check that the proxy runs (proxy-reachable)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail("interrupted", "run again");
        }
    }
}
