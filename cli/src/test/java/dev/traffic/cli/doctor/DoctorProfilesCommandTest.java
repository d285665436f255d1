package dev.traffic.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code doctor --list}, {@code --profile} and its usage errors, through the real command line. */
class DoctorProfilesCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run doctor(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cmd.execute(all), out.toString(), err.toString());
    }

    @Test
    void listPrintsEveryCheckWithItsProfilesAndWhatItProves() {
        Run r = doctor("--list");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(Doctor.CHECKS.size());
        assertThat(r.out()).contains("non-root").contains("[docker,k8s-gateway,k8s-sidecar]")
                .containsPattern("cluster-identity +\\[k8s-gateway,k8s-sidecar\\]").containsPattern("proxy-reachable +\\[all profiles\\]")
                .contains("no host PID namespace (PID 2 is not kthreadd)");
    }

    @Test
    void anUnknownProfileIsAUsageError() {
        Run r = doctor("--profile", "kubernetes");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--profile").contains("unknown profile 'kubernetes'").contains("k8s-sidecar");
    }

    @Test
    void halfACanaryIsAUsageError() {
        Run r = doctor("--profile", "docker", "--canary", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--canary and --canary-sink go together");
        Run bad = doctor("--profile", "docker", "--expect-refused", "https://x.test/");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("expected 'METHOD URL'");
    }
}
