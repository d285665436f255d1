package dev.traffic.proxy.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the verifying trust manager so a rejected upstream certificate fails with a message a
 * person can act on ({@code upstream certificate not trusted: <subject>}, or a hostname mismatch),
 * which the proxy then puts in the 502 body and the flow's error.
 */
public final class NamingTrustManager extends X509ExtendedTrustManager {
    /** The reason an upstream certificate was refused, ready for a 502 body. */
    public static final class UpstreamCertificateException extends CertificateException {
        private static final long serialVersionUID = 1L;

        UpstreamCertificateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final X509ExtendedTrustManager delegate;

    NamingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw named(chain, e, engine == null ? null : engine.getPeerHost());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw named(chain, e, null);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw named(chain, e, null);
        }
    }

    private static CertificateException named(X509Certificate[] chain, CertificateException e, String host) {
        String subject = chain == null || chain.length == 0 ? "(no certificate)"
                : chain[0].getSubjectX500Principal().getName();
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
            return new UpstreamCertificateException("upstream certificate does not match "
                    + (host == null ? "the host" : host) + ": " + subject, e);
        }
        if (msg.contains("validity check failed") || e instanceof java.security.cert.CertificateExpiredException) {
            return new UpstreamCertificateException("upstream certificate expired or not yet valid: " + subject, e);
        }
        return new UpstreamCertificateException("upstream certificate not trusted: " + subject, e);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
