package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.util.Map;
import picocli.CommandLine.Option;

/** The scan gate: {@code --scan-command} and {@code --scan-timeout} (base, runner, promote, publish). */
final class ScanOptions {
    @Option(names = "--scan-command", paramLabel = "COMMAND",
            description = "The scan gate: a shell command (/bin/sh -c) run once per platform image before any tag moves, "
                    + "told what to scan by GROCKER_SCAN_IMAGE (registry/repository@sha256:...), GROCKER_SCAN_PLATFORM, "
                    + "GROCKER_SCAN_NAME and GROCKER_SCAN_SBOM (a file with the image's CycloneDX SBOM, or empty). Exit 0 "
                    + "passes; any other exit moves no tag and grocker exits with 5. Its output goes into the result and "
                    + "the report. Example: 'trivy sbom --exit-code 1 --severity CRITICAL \"$GROCKER_SCAN_SBOM\"'.")
    String command;

    @Option(names = "--scan-timeout", paramLabel = "SECONDS",
            description = "Stop a scan that runs longer than this and count it as failed (default: 1800).")
    Integer timeout;

    /** The scanner, or null without {@code --scan-command}. */
    Scanner scanner(Map<String, String> env) throws InputException {
        if (command == null && timeout != null) {
            throw new InputException("--scan-timeout: needs --scan-command");
        }
        return Scanner.of(command, timeout, env);
    }
}
