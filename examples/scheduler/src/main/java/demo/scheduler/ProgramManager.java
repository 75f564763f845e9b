package demo.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * A program manager: knows how many jobs run on its node, starts new ones there, and finishes them
 * when drained. Messages are handled one at a time, so plain fields are enough.
 */
public class ProgramManager extends AbstractProgramManager {
    private final List<Long> jobs = new ArrayList<>();

    @Override
    protected Load onLoadQuery(LoadQuery query) {
        return new Load(kernel().node().name(), jobs.size());
    }

    @Override
    protected Started onJob(Job job) {
        jobs.add(job.id());
        return new Started(kernel().node().name());
    }

    @Override
    protected Ran onDrain(Drain drain) {
        long[] ran = jobs.stream().mapToLong(Long::longValue).toArray();
        jobs.clear();
        return new Ran(kernel().node().name(), ran);
    }
}
