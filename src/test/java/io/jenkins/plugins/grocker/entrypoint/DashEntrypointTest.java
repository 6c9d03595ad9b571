package io.jenkins.plugins.grocker.entrypoint;

import java.util.List;

/** The entrypoint as Debian images run it: dash as /bin/sh, mawk, coreutils. */
class DashEntrypointTest extends EntrypointScriptTest {
    @Override
    List<String> shell() {
        return List.of("/bin/dash");
    }

    @Override
    String path() {
        return "/usr/local/bin:/usr/bin:/bin";
    }
}
