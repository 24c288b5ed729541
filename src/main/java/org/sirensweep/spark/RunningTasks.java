package org.sirensweep.spark;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.util.LongAccumulator;

/**
 * The tasks still running: which of the job's partitions (packs of trials) they run, for the live report, and the
 * optimiser steps their trials have taken, so the progress line's ETA moves during long trials.
 * Spark merges a task's accumulators into the driver's only when the task ends; until then each executor heartbeat
 * ({@code spark.executor.heartbeatInterval}, 10 s by default) carries the task's current value, which this listener
 * keeps per task until the task ends. The same heartbeats carry since when each task has found the dataset's store
 * failing ({@link PackTask.Progress#storeFailingSince}).
 */
final class RunningTasks extends SparkListener {
    private final long accumulatorId;
    private final long storeAccumulatorId;
    private final Map<Long, Long> stepsByTask = new ConcurrentHashMap<>();
    private final Map<Long, Long> storeFailingByTask = new ConcurrentHashMap<>();
    private final Set<Long> ended = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> partitionByTask = new ConcurrentHashMap<>();

    RunningTasks(LongAccumulator steps, LongAccumulator storeFailingSince) {
        this.accumulatorId = steps.id();
        this.storeAccumulatorId = storeFailingSince.id();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // Scala's own iterators, whose types (scala.collection.Seq on Scala 2.12, immutable.Seq on 2.13) the
        // compiler infers for the Spark line it builds against: one source for both.
        var tasks = update.accumUpdates().iterator();
        while (tasks.hasNext()) {
            var task = tasks.next();
            long taskId = (Long) task._1();
            var infos = task._4().iterator();
            while (infos.hasNext()) {
                AccumulableInfo info = infos.next();
                // A heartbeat sent just before a task ended may arrive after its end: ignore it.
                if (!info.update().isDefined() || ended.contains(taskId)) {
                    continue;
                }
                long value = ((Number) info.update().get()).longValue();
                if (info.id() == accumulatorId) {
                    stepsByTask.put(taskId, value);
                } else if (info.id() == storeAccumulatorId) {
                    storeFailingByTask.put(taskId, value);
                }
            }
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        partitionByTask.put(start.taskInfo().taskId(), start.taskInfo().index());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        long taskId = end.taskInfo().taskId();
        ended.add(taskId);
        stepsByTask.remove(taskId);
        storeFailingByTask.remove(taskId);
        partitionByTask.remove(taskId);
    }

    /** The partitions of the running tasks, in order. */
    SortedSet<Integer> partitions() {
        return new TreeSet<>(partitionByTask.values());
    }

    /** The earliest time a running task has found the store failing since, as of their last heartbeats; or null. */
    Instant storeFailingSince() {
        return storeFailingByTask.values().stream()
                .filter(millis -> millis > 0)
                .min(Long::compare)
                .map(Instant::ofEpochMilli)
                .orElse(null);
    }

    /** Steps of running tasks, as of their last heartbeat. */
    long total() {
        return stepsByTask.values().stream().mapToLong(Long::longValue).sum();
    }
}
