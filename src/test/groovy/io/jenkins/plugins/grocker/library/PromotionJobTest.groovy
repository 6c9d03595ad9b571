package io.jenkins.plugins.grocker.library

import hudson.AbortException
import org.junit.Test

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.catchThrowable

/**
 * grockerPromotion, the release manager's job: the dry-run plan first, shown in the approval question; then the
 * planned digest (not the tag) promoted, the approver in the audit record, the record archived with a fingerprint,
 * the build description saying digest -> targets.
 */
class PromotionJobTest extends LibraryTestBase {
    Scenarios s

    static final Map JOB = [agent: 'docker', registryCredentials: ['127.0.0.1:5000': 'registry', '127.0.0.1:5001': 'release']]
    static final Map PARAMS = [SOURCE: '127.0.0.1:5000/apps/navigator-api:2.3.1',
                               TARGETS: '127.0.0.1:5001/prod/navigator-api, 127.0.0.1:5001/prod/navigator-api:stable',
                               FORCE: false, DRY_RUN: false]

    @Override
    protected void configure(JenkinsHarness harness) {
        s = new Scenarios(harness)
    }

    /** The last build of the job. */
    JenkinsHarness.Build last

    private Map job(Map params, Map settings = JOB) {
        s.registerSteps()
        h.jobProperties = [[parameters: [[name: 'SOURCE'], [name: 'TARGETS'], [name: 'FORCE'], [name: 'DRY_RUN']]]]
        return h.runBuild(params) { JenkinsHarness.Build b ->
            last = b
            h.load('grockerPromotion').call(settings)
        } as Map
    }

    @Test
    void plansAsksWithThePlanThenPromotesThePlannedDigest() {
        h.responder = { Map question, JenkinsHarness.Build b -> [user: 'jdoe', action: 'proceed'] }
        Map result = job(PARAMS)
        List<Map> promotes = s.grocker.commands.findAll { it.command == 'promote' }
        assertThat(promotes).hasSize(2)
        Map plan = promotes[0].env
        assertThat(plan.GROCKER_ARGS).isEqualTo('--tag 2.3.1 --dry-run')
        assertThat(plan.GROCKER_FROM).isEqualTo(PARAMS.SOURCE)
        String digest = result.plan.source.digest
        Map input = h.inputs[0]
        assertThat(input.message as String).contains("Promote ${PARAMS.SOURCE} (${digest}) to:")
                .contains("127.0.0.1:5001/prod/navigator-api: none -> ${digest} (planned)").contains('blobs: 9 to mount, 0 to copy')
        assertThat(input).containsEntry('submitter', 'release-managers').containsEntry('inNode', null).containsEntry('timeout', true)
        Map promote = promotes[1].env
        assertThat(promote.GROCKER_FROM).isEqualTo("127.0.0.1:5000/apps/navigator-api@${digest}".toString())
        assertThat(promote).containsEntry('GROCKER_APPROVED_BY', 'jdoe')
                .containsEntry('GROCKER_ARGS', "--tag 2.3.1 --report .grocker/promotion-${h.nextBuildNumber - 1}-report.html".toString())
                .containsEntry('GROCKER_REGISTRY_HOST_1', '127.0.0.1:5000').containsEntry('GROCKER_REGISTRY_HOST_2', '127.0.0.1:5001')
        assertThat(result.promoted.who).isEqualTo('jdoe')
        assertThat(h.archived*.artifacts).containsExactly(".grocker/promotion-${h.nextBuildNumber - 1}-report.html".toString(),
                ".grocker/promotion-${h.nextBuildNumber - 1}.json".toString())
        assertThat(h.archived[1].fingerprint).isEqualTo(true)
        assertThat(h.jobProperties[-1].parameters*.name).containsExactly('SOURCE', 'TARGETS', 'FORCE', 'DRY_RUN')
        assertThat(last.description).isEqualTo("${digest.substring(0, 19)} → 127.0.0.1:5001/prod/navigator-api, " +
                '127.0.0.1:5001/prod/navigator-api:stable (approved by jdoe)')
        s.noSecretInScriptsOrLogs()
    }

    @Test
    void aDryRunShowsThePlanAndChangesNothing() {
        Map result = job(PARAMS + [DRY_RUN: true])
        assertThat(s.grocker.commands*.command).containsExactly('promote')
        assertThat(h.inputs).isEmpty()
        assertThat(result.promoted).isNull()
        assertThat(last.description).startsWith('dry run: sha256:')
        assertThat(h.echoes).anyMatch { it.contains('plan for 127.0.0.1:5000/apps/navigator-api:2.3.1') && it.contains('(planned)') }
        assertThat(h.archived).isEmpty()
    }

    @Test
    void badParametersAreOneLineBeforeAnything() {
        Throwable t = catchThrowable { job(PARAMS + [SOURCE: '127.0.0.1:5000/apps/navigator-api']) }
        assertThat(t).isInstanceOf(AbortException).hasMessage("grockerPromotion: SOURCE '127.0.0.1:5000/apps/navigator-api' is not " +
                'registry/repository:tag or registry/repository@sha256:digest')
        t = catchThrowable { job(PARAMS + [TARGETS: 'x y']) }
        assertThat(t).hasMessage("grockerPromotion: TARGETS has 'x y', which is not registry/repository[:tag]")
        t = catchThrowable { job(PARAMS, JOB + [approve: [timeoutMinutes: 5]]) }
        assertThat(t).hasMessage("grockerPromotion: 'approve' must name a 'submitter': the users or groups who may approve a promotion")
        assertThat(s.grocker.commands).isEmpty()
        assertThat(h.nodes).isEmpty()
    }
}
