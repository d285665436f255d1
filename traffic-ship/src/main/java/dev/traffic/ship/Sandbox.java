package dev.traffic.ship;

import java.util.Map;

/**
 * Who recorded a flow, as shipped with it: the sandbox id ({@code --sandbox-id}) and, in Kubernetes,
 * the pod's name, namespace and node from the Downward API ({@code POD_NAME}, {@code POD_NAMESPACE},
 * {@code NODE_NAME}). Null parts are left out of the document.
 */
public record Sandbox(String id, String pod, String namespace, String node) {
    public Sandbox {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("the sandbox id is empty");
    }

    /**
     * The sandbox of this process: {@code id} when given, else {@code $TRAFFIC_SANDBOX_ID}, else the
     * pod name, else the host name; pod, namespace and node from the Downward API variables.
     */
    public static Sandbox fromEnvironment(String id, Map<String, String> env) {
        String pod = blankToNull(env.get("POD_NAME"));
        String ns = blankToNull(env.get("POD_NAMESPACE"));
        String node = blankToNull(env.get("NODE_NAME"));
        String pick = blankToNull(id);
        if (pick == null) pick = blankToNull(env.get("TRAFFIC_SANDBOX_ID"));
        if (pick == null) pick = pod;
        if (pick == null) pick = blankToNull(env.get("HOSTNAME"));
        if (pick == null) {
            try {
                pick = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                pick = "unknown";
            }
        }
        return new Sandbox(pick, pod, ns, node);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
