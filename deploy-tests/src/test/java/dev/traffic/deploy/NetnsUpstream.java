package dev.traffic.deploy;

import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Runs inside a network namespace (started by the test with {@code ip netns exec}):
 * {@code NetnsUpstream [--dns] ADDR:PORT...}. On each: an HTTP server on {@code ADDR:PORT}
 * answering every request with {@code upstream ADDR:PORT says hi}, and with {@code --dns} a tiny DNS
 * responder on {@code ADDR:53} answering every A query with ADDR. Prints {@code READY} when all
 * listen; runs until killed.
 */
public final class NetnsUpstream {
    private NetnsUpstream() {}

    public static void main(String[] args) throws Exception {
        boolean dns = false;
        for (String arg : args) {
            if (arg.equals("--dns")) {
                dns = true;
                continue;
            }
            int colon = arg.lastIndexOf(':');
            serve(InetAddress.getByName(arg.substring(0, colon)), Integer.parseInt(arg.substring(colon + 1)), dns);
        }
        System.out.println("READY");
        System.out.flush();
    }

    private static void serve(InetAddress addr, int port, boolean dns) throws Exception {
        byte[] body = ("upstream " + addr.getHostAddress() + ":" + port + " says hi\n").getBytes(StandardCharsets.UTF_8);
        HttpServer http = HttpServer.create(new InetSocketAddress(addr, port), 16);
        http.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        if (dns) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(addr, 53));
            Thread t = new Thread(() -> serveDns(udp, addr.getAddress()), "dns");
            t.setDaemon(true);
            t.start();
        }
    }
    private static void serveDns(DatagramSocket udp, byte[] answerAddr) {
        byte[] buf = new byte[512];
        while (true) {
            try {
                DatagramPacket q = new DatagramPacket(buf, buf.length);
                udp.receive(q);
                byte[] reply = Dns.answer(Arrays.copyOf(q.getData(), q.getLength()), answerAddr);
                udp.send(new DatagramPacket(reply, reply.length, q.getSocketAddress()));
            } catch (Exception e) {
                return;
            }
        }
    }
}
