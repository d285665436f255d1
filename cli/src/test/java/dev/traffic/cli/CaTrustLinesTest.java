package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Issue 16 #9 (part): {@code ca trust} names PIP_CERT, npm's cafile and the Java trust store's password. */
class CaTrustLinesTest {
    @Test
    void printsTheLinesNewUsersWereMissing() {
        StringWriter w = new StringWriter();
        CaTrustCommand.print(new PrintWriter(w), "/home/me/.traffic/ca/ca.pem");
        assertThat(w.toString())
                .contains("export PIP_CERT=/home/me/.traffic/ca/ca.pem")
                .contains("npm config set cafile /home/me/.traffic/ca/ca.pem")
                .contains("-keystore /home/me/.traffic/ca/truststore.p12 -storetype PKCS12 -storepass changeit")
                .contains("export JAVA_TOOL_OPTIONS=\"-Djavax.net.ssl.trustStore=/home/me/.traffic/ca/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit\"");
    }
}
