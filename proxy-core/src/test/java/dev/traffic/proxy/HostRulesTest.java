package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostRulesTest {
    @Test
    void firstMatchingRuleWinsAndAllowMeansDefaultDeny() throws Exception {
        HostRules r = HostRules.builder().deny("secret.example.com").allow("*.example.com").build();
        assertThat(r.check("secret.example.com").allowed()).isFalse();
        assertThat(r.check("secret.example.com").rule()).isEqualTo("--deny secret.example.com");
        assertThat(r.check("api.example.com").allowed()).isTrue();
        assertThat(r.check("other.test").allowed()).isFalse();
        assertThat(HostRules.builder().deny("x.test").build().check("y.test").allowed()).isTrue();
        assertThat(HostRules.builder().deny("192.168.0.0/16").build().checkResolved(InetAddress.getByName("192.168.1.1")).allowed()).isFalse();
    }
}
