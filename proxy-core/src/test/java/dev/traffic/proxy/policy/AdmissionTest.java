package dev.traffic.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.PolicyDecision;
import dev.traffic.proxy.HostRules;
import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.RecordingMode;
import dev.traffic.proxy.UpstreamProxySettings;
import dev.traffic.proxy.net.HostResolver;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.testing.RecordingSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every admission check in isolation (IP literals only: no name is looked up). */
class AdmissionTest {
    final HostResolver resolver = new HostResolver();
    final RecordingSink sink = new RecordingSink();

    @AfterEach
    void close() {
        resolver.close();
    }

    Admission admission(Consumer<ProxyConfig.Builder> tweak, int... ownPorts) {
        ProxyConfig.Builder b = ProxyConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).sink(sink);
        tweak.accept(b);
        ProxyConfig c = b.build();
        PolicyGate gate = new PolicyGate(c.hostRules(), c.allowLinkLocal());
        for (int p : ownPorts) gate.addOwnPort(p);
        return new Admission(c, gate, resolver);
    }

    static Target target(String host, int port) {
        return Target.parseAuthority(host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port, "https");
    }

    @Test
    void aDownRecordingRefusesEveryRequestWhenFailingClosedOnly() {
        sink.healthy = false;
        Admission closed = admission(b -> b.recordingMode(RecordingMode.FAIL_CLOSED));
        assertThat(closed.checkHead("example.test", false)).isEqualTo(new Admission.Refused(503, "recording unavailable", null));
        assertThat(closed.checkHead("example.test", true)).as("inside a tunnel too").isNotNull();
        assertThat(admission(b -> b.recordingMode(RecordingMode.FAIL_OPEN)).checkHead("example.test", false)).isNull();
    }

    @Test
    void theNamePolicyRefusesWithItsRuleUnlessTheConnectAlreadyPassedIt() {
        Admission a = admission(b -> b.hostRules(HostRules.builder().deny("*.blocked.test").build()));
        Admission.Refused r = a.checkHead("api.blocked.test", false);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.decision()).isEqualTo(new PolicyDecision(PolicyDecision.Action.BLOCK, "--deny *.blocked.test"));
        assertThat(r.message()).contains("api.blocked.test");
        assertThat(a.checkHead("api.blocked.test", true)).isNull();
        assertThat(a.checkHead("fine.test", false)).isNull();
    }

    @Test
    void addressesAreCheckedAfterResolution() throws Exception {
        Admission a = admission(b -> b.hostRules(HostRules.builder().deny("10.0.0.0/8").build()), 8080);
        Admission.Destination ok = a.checkDestination(target("192.0.2.7", 443)).join();
        assertThat(ok.refused()).isNull();
        assertThat(ok.target().address()).isEqualTo(InetAddress.getByName("192.0.2.7"));

        Admission.Refused cidr = a.checkDestination(target("10.1.2.3", 443)).join().refused();
        assertThat(cidr.status()).isEqualTo(403);
        assertThat(cidr.decision().rule()).isEqualTo("--deny 10.0.0.0/8");

        Admission.Refused linkLocal = a.checkDestination(target("169.254.169.254", 80)).join().refused();
        assertThat(linkLocal.decision().rule()).isEqualTo("link-local");
        assertThat(linkLocal.message()).contains("--allow-link-local");

        Admission.Refused own = a.checkDestination(target("127.0.0.1", 8080)).join().refused();
        assertThat(own.decision().rule()).isEqualTo("own-port");
        assertThat(a.checkDestination(target("127.0.0.1", 8081)).join().refused()).isNull();

        assertThat(admission(b -> b.allowLinkLocal(true)).checkDestination(target("169.254.169.254", 80)).join().refused()).isNull();
    }

    @Test
    void aTargetWithAnAddressIsNotResolvedAgain() throws Exception {
        Target known = target("169.254.1.1", 443).withAddress(InetAddress.getByName("192.0.2.1"));
        Admission.Destination d = admission(b -> {}).checkDestination(known).join();
        assertThat(d.refused()).isNull();
        assertThat(d.target()).isSameAs(known);
    }

    @Test
    void throughAnUpstreamProxyNamesAreLeftToItButLiteralsAreStillChecked() {
        Admission a = admission(b -> b.upstreamProxy(UpstreamProxySettings.explicit("http://127.0.0.1:3128", Map.of())));
        Admission.Destination name = a.checkDestination(target("somewhere.example", 443)).join();
        assertThat(name.refused()).isNull();
        assertThat(name.target().address()).as("not resolved here").isNull();
        assertThat(a.checkDestination(target("169.254.169.254", 443)).join().refused().decision().rule()).isEqualTo("link-local");
    }
}
