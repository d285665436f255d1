package dev.traffic.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS does not resolve directly: the proxy resolves every name itself, so the sandbox needs no DNS,
 * and a resolver it can reach is a side channel (data in query labels reaches any authoritative
 * server, unrecorded). Sends one A query for {@code example.com} to each nameserver of
 * {@code /etc/resolv.conf} and passes when none answers.
 */
public final class DnsDirectCheck extends IsolationCheck {
    @Override
    public String name() {
        return "dns-direct";
    }

    @Override
    public String description() {
        return "DNS does not resolve directly (the proxy resolves)";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        List<String> servers = new ArrayList<>();
        for (String line : HostView.lines(ctx.host().resolvConf())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) servers.add(f[1]);
        }
        if (servers.isEmpty()) return CheckResult.pass("no nameserver in " + ctx.host().resolvConf());
        List<String> answered = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String s : servers) {
            String why = query(s, ctx.host().dnsPort(), (int) ctx.timeout().toMillis());
            if (why == null) answered.add(s);
            else silent.add(s + " (" + why + ")");
        }
        if (!answered.isEmpty()) {
            return CheckResult.fail("nameserver " + String.join(", ", answered) + " answered a direct query",
                    "block DNS for the sandbox (docker/egress-lock.sh does unless ALLOW_DNS=1; in Kubernetes, a NetworkPolicy"
                            + " without a port-53 egress rule)");
        }
        return CheckResult.pass("no answer from " + String.join(", ", silent));
    }

    /** Null when the server answered; else why not. */
    static String query(String server, int port, int timeoutMillis) {
        try (DatagramSocket sock = new DatagramSocket()) {
            sock.setSoTimeout(timeoutMillis);
            byte[] q = aQuery("example.com", 0x7a7a);
            sock.send(new DatagramPacket(q, q.length, new InetSocketAddress(InetAddress.getByName(server), port)));
            byte[] buf = new byte[512];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            sock.receive(in);
            return in.getLength() >= 12 && buf[0] == 0x7a && buf[1] == 0x7a ? null : "a reply that is not DNS";
        } catch (SocketTimeoutException e) {
            return "no answer in " + timeoutMillis + " ms";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** A minimal recursive A query (RFC 1035 4.1). */
    static byte[] aQuery(String name, int id) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            b.put((byte) label.length()).put(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        b.put((byte) 0).putShort((short) 1).putShort((short) 1);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
