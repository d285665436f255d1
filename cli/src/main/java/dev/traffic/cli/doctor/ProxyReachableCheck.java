package dev.traffic.cli.doctor;

/** HTTPS_PROXY is set and something accepts TCP connections there. */
public final class ProxyReachableCheck implements DoctorCheck {
    @Override
    public String name() {
        return "proxy-reachable";
    }

    @Override
    public String description() {
        return "the proxy named by HTTPS_PROXY accepts connections";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        String raw = ctx.envEither("HTTPS_PROXY");
        if (raw == null) {
            return CheckResult.fail("HTTPS_PROXY is not set",
                    "export HTTPS_PROXY=http://127.0.0.1:8080 HTTP_PROXY=http://127.0.0.1:8080 (and the lower-case https_proxy/http_proxy)");
        }
        ProxyAddress proxy = ctx.httpsProxy();
        if (proxy == null) {
            return CheckResult.fail("HTTPS_PROXY is not a proxy URL: " + raw, "set HTTPS_PROXY=http://HOST:PORT");
        }
        String failure = Net.connectFailure(proxy.socketAddress(), ctx.timeout());
        if (failure != null) {
            return CheckResult.fail("cannot connect to the proxy at " + proxy + ": " + failure,
                    "start it (traffic proxy --listen " + proxy + ") or fix HTTPS_PROXY");
        }
        return CheckResult.pass("proxy at " + proxy + " accepts connections");
    }
}
