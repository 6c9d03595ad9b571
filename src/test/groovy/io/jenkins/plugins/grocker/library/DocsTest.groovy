package io.jenkins.plugins.grocker.library

import org.junit.Test

import java.nio.file.Files
import java.nio.file.Path

import static org.assertj.core.api.Assertions.assertThat

/**
 * Finding 11: docs/jenkins.md names, for every Jenkins step the library calls, the plugin that provides it; every
 * step of vars/ has a help page that names each of its arguments.
 */
class DocsTest {
    /** The Jenkins steps the library may call, and the plugin (as its page names it) that provides each. */
    static final Map<String, String> PLUGINS = [
        sh: 'Pipeline: Nodes and Processes', node: 'Pipeline: Nodes and Processes', dir: 'Pipeline: Basic Steps',
        echo: 'Pipeline: Basic Steps', error: 'Pipeline: Basic Steps', withEnv: 'Pipeline: Basic Steps',
        writeFile: 'Pipeline: Basic Steps', readFile: 'Pipeline: Basic Steps', fileExists: 'Pipeline: Basic Steps',
        deleteDir: 'Pipeline: Basic Steps', archiveArtifacts: 'Jenkins core', timeout: 'Pipeline: Basic Steps',
        stash: 'Pipeline: Basic Steps', unstash: 'Pipeline: Basic Steps', isUnix: 'Pipeline: Basic Steps',
        stage: 'Pipeline: Stage Step', parallel: 'Pipeline: Groovy', libraryResource: 'Pipeline: Groovy Libraries',
        input: 'Pipeline: Input Step', milestone: 'Pipeline: Milestone Step', properties: 'Pipeline: Multibranch',
        parameters: 'Jenkins core', string: 'Jenkins core', booleanParam: 'Jenkins core',
        checkout: 'Pipeline: SCM Step', readJSON: 'Pipeline Utility Steps', readYaml: 'Pipeline Utility Steps',
        withCredentials: 'Credentials Binding', usernamePassword: 'Credentials Binding',
    ]

    @Test
    void thePluginListNamesThePluginOfEveryStepTheLibraryCalls() {
        String vars = Files.list(Path.of('vars')).findAll { it.toString().endsWith('.groovy') }.collect { it.text }.join('\n')
        String docs = Path.of('docs/jenkins.md').text
        List<String> rows = docs.readLines().findAll { it.startsWith('|') }
        List<String> used = PLUGINS.keySet().findAll { vars =~ /(?m)(^|[^.\w])${it}\s*[({]/ }.sort()
        assertThat(used).contains('sh', 'stash', 'input', 'milestone', 'properties', 'readJSON', 'libraryResource', 'withCredentials')
        for (String step in used) {
            assertThat(rows).as("docs/jenkins.md: a plugin table row for `${step}`")
                    .anyMatch { it.contains("`${step}`") && it.contains(PLUGINS[step]) }
        }
        assertThat(vars).as('writeJSON writes "null" strings as null: the library must not use it').doesNotContain('writeJSON(')
    }

    @Test
    void everyStepHasAHelpPageNamingItsArguments() {
        for (Path groovy in Files.list(Path.of('vars')).findAll { it.toString().endsWith('.groovy') }) {
            String name = groovy.fileName.toString() - '.groovy'
            Path help = Path.of("vars/${name}.txt")
            assertThat(help).as("help page of ${name}").exists()
            def defaults = (groovy.text =~ /(?s)DEFAULTS = \[(.*?)\n\]/)
            if (defaults.find()) {
                List<String> keys = (defaults.group(1) =~ /(?m)^\s+(\w+):/).collect { it[1] }
                for (String key in keys) {
                    assertThat(help.text).as("${help} describes '${key}'").contains(key)
                }
            }
        }
    }
}
