package dev.traffic.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One connection to an upstream that accepts {@code HttpObject}s (an HTTP/1.1 channel with
 * {@code HttpClientCodec}; an HTTP/2 stream channel would fit the same shape). Holds the TLS facts
 * learned at handshake time for recording. Owned by one exchange at a time, or idle in the pool.
 */
public final class UpstreamConnection {
    private final UpstreamKey key;
    private final Channel channel;
    private final UpstreamHandler handler;
    private int uses;
    private boolean pooled;
    private long idleSince;
    private String tlsVersion;
    private String tlsCipher;
    private String alpn;
    private String certSubject;
    private String certIssuer;
    private String certSha256;

    UpstreamConnection(UpstreamKey key, Channel channel, UpstreamHandler handler) {
        this.key = key;
        this.channel = channel;
        this.handler = handler;
    }

    /** Reads the negotiated TLS parameters and the server certificate once the handshake is done. */
    void captureTls(SslHandler ssl) {
        SSLSession s = ssl.engine().getSession();
        tlsVersion = s.getProtocol();
        tlsCipher = s.getCipherSuite();
        alpn = ssl.applicationProtocol();
        try {
            Certificate[] peer = s.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                certSubject = x.getSubjectX500Principal().getName();
                certIssuer = x.getIssuerX500Principal().getName();
                certSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x.getEncoded()));
            }
        } catch (SSLPeerUnverifiedException | NoSuchAlgorithmException | CertificateEncodingException e) {
            certSubject = null;
        }
    }

    /** A stream of this (h2) connection, sharing its TLS facts; {@code reused}: the connection served streams before. */
    UpstreamConnection forStream(Channel stream, UpstreamHandler streamHandler, boolean reused) {
        UpstreamConnection c = new UpstreamConnection(key, stream, streamHandler);
        c.tlsVersion = tlsVersion;
        c.tlsCipher = tlsCipher;
        c.alpn = alpn;
        c.certSubject = certSubject;
        c.certIssuer = certIssuer;
        c.certSha256 = certSha256;
        c.uses = reused ? 2 : 1;
        return c;
    }

    /** True when this is a stream of a shared HTTP/2 connection. */
    public boolean h2() {
        return "h2".equals(alpn);
    }

    public UpstreamKey key() { return key; }
    public Channel channel() { return channel; }
    UpstreamHandler handler() { return handler; }
    /** True when this connection already served an exchange (a failure may then be a stale pooled connection). */
    public boolean reused() { return uses > 1; }
    void markUsed() { uses++; }
    /** Idle in the pool (pool bookkeeping, event-loop confined). */
    boolean pooled() { return pooled; }
    void pooled(boolean v) { pooled = v; }
    long idleSince() { return idleSince; }
    void idleSince(long nanos) { idleSince = nanos; }
    public String tlsVersion() { return tlsVersion; }
    public String tlsCipher() { return tlsCipher; }
    public String alpn() { return alpn; }
    public String certSubject() { return certSubject; }
    public String certIssuer() { return certIssuer; }
    public String certSha256() { return certSha256; }

    /** Routes this connection's events to {@code l} (null detaches). */
    public void attach(UpstreamListener l) {
        handler.listener(l);
    }
}
