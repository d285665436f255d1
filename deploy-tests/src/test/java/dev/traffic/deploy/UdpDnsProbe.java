package dev.traffic.deploy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * Run under the sandbox UID in the locked namespace: sends one A query to {@code SERVER:53} and
 * prints {@code ANSWER <addr>} (exit 0), or {@code NO-ANSWER <reason>} (exit 3).
 */
public final class UdpDnsProbe {
    private UdpDnsProbe() {}

    public static void main(String[] args) {
        int id = 0x5a17;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.connect(new InetSocketAddress(args[0], 53));
            byte[] q = Dns.query(id, args.length > 1 ? args[1] : "upstream.test");
            s.send(new DatagramPacket(q, q.length));
            byte[] buf = new byte[512];
            DatagramPacket r = new DatagramPacket(buf, buf.length);
            s.receive(r);
            System.out.println("ANSWER " + Dns.readA(buf, r.getLength(), id));
        } catch (Exception e) {
            System.out.println("NO-ANSWER " + e);
            System.exit(3);
        }
    }
}
