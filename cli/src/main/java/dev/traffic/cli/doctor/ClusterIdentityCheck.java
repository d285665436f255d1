package dev.traffic.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When the sandbox holds a service-account token, the identity is read-only: a
 * {@code SelfSubjectRulesReview} through the proxy shows no create/update/patch/delete verbs, no
 * get/list/watch on {@code secrets}, and no {@code pods/exec} (or attach, portforward). Prints what
 * the identity can do as a table. The token is sent to the API server only, never printed.
 */
public final class ClusterIdentityCheck implements DoctorCheck {
    private static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection", "*",
            "escalate", "bind", "impersonate");
    private static final Set<String> READ_SECRET_VERBS = Set.of("get", "list", "watch", "*");
    private static final Set<String> SHELL_RESOURCES = Set.of("pods/exec", "pods/attach", "pods/portforward", "nodes/proxy",
            "pods/proxy", "services/proxy");

    /** Every identity may ask what it may do (system:basic-user): creating these reviews writes nothing. */
    private static final Set<String> SELF_REVIEWS = Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews");

    @Override
    public String name() {
        return "cluster-identity";
    }

    @Override
    public String description() {
        return "the cluster identity (if any) is read-only: no writes, no secrets, no exec";
    }

    @Override
    public Set<Profile> profiles() {
        return Profile.KUBERNETES;
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        Path sa = ctx.host().serviceAccountDir();
        Path tokenFile = sa.resolve("token");
        if (!Files.isRegularFile(tokenFile)) return CheckResult.pass("no service-account token at " + tokenFile + ": no cluster identity");
        String host = ctx.env().get("KUBERNETES_SERVICE_HOST");
        String port = ctx.env().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) {
            return CheckResult.fail("a service-account token is mounted but KUBERNETES_SERVICE_HOST is unset, so its rights cannot be checked",
                    "set automountServiceAccountToken: false unless the sandbox needs the token");
        }
        String ns = HostView.read(sa.resolve("namespace"));
        if (ns == null || ns.isBlank()) ns = "default";
        URI uri = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port.trim()
                + "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews");
        String body = "{\"kind\":\"SelfSubjectRulesReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{\"namespace\":\""
                + ns.replace("\"", "") + "\"}}";
        JsonNode status;
        try {
            String token = Files.readString(tokenFile).strip();
            HttpResponse<String> r = ProxiedHttp.client(ctx).send(HttpRequest.newBuilder(uri).timeout(ctx.timeout().multipliedBy(3))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                return CheckResult.fail("SelfSubjectRulesReview " + ProxiedHttp.via(ctx) + " answered " + r.statusCode(),
                        "check that the proxy may reach the API server (--upstream-ca, and a rule allowing this POST)");
            }
            status = new ObjectMapper().readTree(r.body()).path("status");
        } catch (IOException | java.security.GeneralSecurityException e) {
            return CheckResult.fail("SelfSubjectRulesReview " + ProxiedHttp.via(ctx) + " failed: " + e.getMessage(),
                    "check that the proxy runs and may reach the API server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail("interrupted", "run again");
        }
        List<String> table = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode rule : status.path("resourceRules")) {
            List<String> verbs = strings(rule.path("verbs"));
            List<String> resources = strings(rule.path("resources"));
            if (!resources.isEmpty() && SELF_REVIEWS.containsAll(resources)) continue;
            List<String> groups = strings(rule.path("apiGroups"));
            table.add(String.join(",", verbs) + " on " + String.join(",", resources)
                    + (groups.isEmpty() || groups.equals(List.of("")) ? "" : " (" + String.join(",", groups) + ")"));
            for (String v : verbs) {
                String verb = v.toLowerCase(Locale.ROOT);
                if (WRITE_VERBS.contains(verb)) problems.add(verb + " on " + String.join(",", resources));
                for (String res : resources) {
                    if ((res.equals("secrets") || res.equals("*")) && READ_SECRET_VERBS.contains(verb)) problems.add(verb + " secrets");
                    if (SHELL_RESOURCES.contains(res) || res.equals("*")) {
                        if (verb.equals("create") || verb.equals("get") || verb.equals("*")) problems.add(verb + " " + res);
                    }
                }
            }
        }
        String rights = table.isEmpty() ? "no resource rules" : String.join("; ", table);
        if (status.path("incomplete").asBoolean(false)) rights += " (the API server says the list is incomplete)";
        if (!problems.isEmpty()) {
            return CheckResult.fail("the service account in namespace " + ns + " may " + String.join(", ", problems.stream().distinct().toList())
                    + " | can: " + rights, "bind the sandbox's service account to a Role with get/list/watch only, no secrets, no pods/exec");
        }
        return CheckResult.pass("read-only in namespace " + ns + ": " + rights);
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : arr) out.add(n.asText());
        return out;
    }
}
