package dev.traffic.cli.doctor;

import java.util.Set;

/** Base of the checks that hold only inside a locked-down sandbox (not on a developer's machine). */
abstract class IsolationCheck implements DoctorCheck {
    @Override
    public Set<Profile> profiles() {
        return Profile.SANDBOX;
    }
}
