package dev.traffic.cli.doctor;

import java.net.InetSocketAddress;
import java.net.URI;

/** A proxy URL from the environment ({@code http://host:port}, scheme optional as curl allows). */
public record ProxyAddress(String raw, String host, int port) {
    static ProxyAddress parse(String value) {
        if (value == null) return null;
        try {
            URI u = URI.create(value.contains("://") ? value : "http://" + value);
            if (u.getHost() == null) return null;
            int port = u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
            return new ProxyAddress(value, u.getHost().replaceAll("^\\[|\\]$", ""), port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
