package dev.traffic.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cloud metadata (169.254.169.254, fd00:ec2::254) is unreachable both directly and through the proxy
 * (the proxy refuses link-local targets with 403 unless started with --allow-link-local).
 */
public final class MetadataCheck implements DoctorCheck {
    @Override
    public String name() {
        return "cloud-metadata";
    }

    @Override
    public String description() {
        return "cloud metadata endpoints are unreachable, directly and through the proxy";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> reachable = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (InetSocketAddress target : ctx.metadataTargets()) {
            if (Net.connectFailure(target, ctx.timeout()) == null) reachable.add(Net.show(target) + " directly");
            ProxyAddress proxy = ProxyAddress.parse(ctx.envEither("HTTP_PROXY"));
            if (proxy == null) continue;
            String status = viaProxy(proxy, target, ctx);
            if (status.startsWith("2") || status.startsWith("3")) reachable.add(Net.show(target) + " via " + proxy + " (" + status + ")");
            else notes.add(Net.show(target) + " via proxy: " + status);
        }
        if (!reachable.isEmpty()) {
            return CheckResult.fail("cloud metadata reachable: " + String.join(", ", reachable),
                    "block 169.254.0.0/16 and fd00:ec2::254 (egress lock / NetworkPolicy) and do not run the proxy with --allow-link-local");
        }
        return CheckResult.pass("metadata unreachable" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
    }

    /** The status line's code of a plain GET for the metadata root through the proxy, or why there was none. */
    private static String viaProxy(ProxyAddress proxy, InetSocketAddress target, DoctorContext ctx) {
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            s.connect(proxy.socketAddress(), (int) ctx.timeout().toMillis());
            s.setSoTimeout((int) ctx.timeout().toMillis() * 2);
            String hostPort = Net.show(target);
            OutputStream out = s.getOutputStream();
            out.write(("GET http://" + hostPort + "/ HTTP/1.1\r\nHost: " + hostPort + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n' && line.length() < 200; ) line.append((char) c);
            String[] parts = line.toString().split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? parts[1] : "no HTTP answer";
        } catch (IOException e) {
            return "no answer (" + e.getMessage() + ")";
        }
    }
}
