package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.Parallel;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Makes every blob of the source present in one target repository, on the pool: a mount inside the registry (no
 * bytes through the client; a registry that answers 202 gets the blob copied), a streamed copy across
 * registries. Returns the counts.
 */
final class CopyBlobsStep {
    /** What was done. */
    record Counts(int mounted, int copied, int skipped, long bytesCopied) {
        Counts plus(Counts o) {
            return new Counts(mounted + o.mounted, copied + o.copied, skipped + o.skipped, bytesCopied + o.bytesCopied);
        }

        static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    private final RegistryClient registry;
    private final ImageReference source;
    private final PromotionPlan.Repository plan;
    private final ExecutorService pool;

    CopyBlobsStep(RegistryClient registry, ImageReference source, PromotionPlan.Repository plan, ExecutorService pool) {
        this.registry = registry;
        this.source = source;
        this.plan = plan;
        this.pool = pool;
    }

    Counts call() throws GrockerException {
        ImageReference target = plan.repository();
        List<Parallel.Task<Counts>> tasks = new ArrayList<>();
        for (Map.Entry<Descriptor, PromotionPlan.BlobAction> e : plan.blobs().entrySet()) {
            Descriptor blob = e.getKey();
            switch (e.getValue()) {
                case SKIP -> tasks.add(() -> new Counts(0, 0, 1, 0));
                case MOUNT -> tasks.add(() -> registry.mountBlob(target, blob.digest(), source)
                        ? new Counts(1, 0, 0, 0)
                        : new Counts(0, 1, 0, registry.copyBlob(source, target, blob)));
                case COPY -> tasks.add(() -> new Counts(0, 1, 0, registry.copyBlob(source, target, blob)));
            }
        }
        Counts total = Counts.NONE;
        for (Counts c : Parallel.all(pool, "copying blobs", tasks)) {
            total = total.plus(c);
        }
        return total;
    }
}
