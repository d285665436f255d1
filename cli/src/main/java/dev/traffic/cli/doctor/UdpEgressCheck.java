package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * UDP does not leave (QUIC to 443 would bypass an HTTP proxy entirely). UDP has no handshake, so the
 * probe asks for an answer: a QUIC long-header packet with a reserved version (0x?a?a?a?a, RFC 9000
 * 15), which every QUIC server answers with a Version Negotiation packet. Passes when no target answers.
 */
public final class UdpEgressCheck extends IsolationCheck {
    @Override
    public String name() {
        return "udp-egress";
    }

    @Override
    public String description() {
        return "UDP egress (QUIC to 443) fails";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> answered = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (InetSocketAddress t : ctx.sandbox().udpTargets()) {
            String why = probe(t, (int) ctx.timeout().toMillis());
            if (why == null) answered.add(Net.show(t));
            else silent.add(Net.show(t) + " (" + why + ")");
        }
        if (ctx.sandbox().udpTargets().isEmpty()) return CheckResult.skip("no UDP targets");
        if (!answered.isEmpty()) {
            return CheckResult.fail("a QUIC server answered directly: " + String.join(", ", answered),
                    "drop all UDP from the sandbox except what you allow on purpose (docker/egress-lock.sh; a NetworkPolicy"
                            + " with only the proxy's TCP port)");
        }
        return CheckResult.pass("no answer: " + String.join(", ", silent));
    }

    /** Null when the target answered. */
    static String probe(InetSocketAddress target, int timeoutMillis) {
        InetSocketAddress t = target.isUnresolved() ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
        if (t.isUnresolved()) return "cannot resolve " + target.getHostString();
        byte[] p = new byte[1200]; // clients pad Initial packets to 1200 bytes
        SecureRandom r = new SecureRandom();
        r.nextBytes(p);
        p[0] = (byte) 0xc0;
        p[1] = 0x1a; p[2] = 0x2a; p[3] = 0x3a; p[4] = 0x4a; // a version reserved for negotiation
        p[5] = 8; // destination connection id length, 8 random bytes follow
        p[14] = 0; // no source connection id
        try (DatagramSocket sock = new DatagramSocket()) {
            sock.setSoTimeout(timeoutMillis);
            sock.send(new DatagramPacket(p, p.length, t));
            byte[] buf = new byte[1500];
            sock.receive(new DatagramPacket(buf, buf.length));
            return null;
        } catch (SocketTimeoutException e) {
            return "no answer in " + timeoutMillis + " ms";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
