package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.scheduler.TaskLocality;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple4;
import scala.collection.JavaConverters;

/** Which partitions run, and the steps of running trials follow the executors' heartbeats and leave the count when their task ends. */
class RunningTasksTest {
    private final LongAccumulator steps = new LongAccumulator();
    private final LongAccumulator other = new LongAccumulator();
    private final LongAccumulator storeFailing = new LongAccumulator();
    private final RunningTasks running;

    RunningTasksTest() {
        // Unregistered accumulators have no id; register them with distinct ids as a SparkContext would.
        steps.metadata_$eq(new org.apache.spark.util.AccumulatorMetadata(41, Option.empty(), false));
        other.metadata_$eq(new org.apache.spark.util.AccumulatorMetadata(42, Option.empty(), false));
        storeFailing.metadata_$eq(new org.apache.spark.util.AccumulatorMetadata(43, Option.empty(), false));
        running = new RunningTasks(steps, storeFailing);
    }

    @Test
    void sumsTheLatestHeartbeatOfEachRunningTaskAndForgetsEndedTasks() {
        running.onExecutorMetricsUpdate(
                heartbeat(task(1, update(steps, 10), update(other, 99)), task(2, update(steps, 20))));
        assertEquals(30, running.total(), "the other accumulator is not steps");
        running.onExecutorMetricsUpdate(heartbeat(task(1, update(steps, 15))));
        assertEquals(35, running.total(), "a later heartbeat replaces the task's value");
        running.onTaskEnd(end(1));
        assertEquals(20, running.total(), "an ended task's steps are in the accumulator now");
        running.onExecutorMetricsUpdate(heartbeat(task(1, update(steps, 16))));
        assertEquals(20, running.total(), "a heartbeat that arrives after its task ended is ignored");
    }

    @Test
    void theStoreFailsSinceTheEarliestTimeARunningTaskReportsUntilEveryTaskFindsItAnsweringOrEnds() {
        assertNull(running.storeFailingSince());
        running.onExecutorMetricsUpdate(heartbeat(
                task(1, update(steps, 10), update(storeFailing, 5_000)), task(2, update(storeFailing, 3_000))));
        assertEquals(Instant.ofEpochMilli(3_000), running.storeFailingSince());
        running.onExecutorMetricsUpdate(heartbeat(task(2, update(storeFailing, -1))));
        assertEquals(Instant.ofEpochMilli(5_000), running.storeFailingSince(), "-1: task 2 finds it answering");
        running.onTaskEnd(end(1));
        assertNull(running.storeFailingSince(), "an ended task no longer counts");
    }

    @Test
    void knowsWhichPartitionsRunUntilTheirTasksEnd() {
        running.onTaskStart(new SparkListenerTaskStart(0, 0, info(7, 3)));
        running.onTaskStart(new SparkListenerTaskStart(0, 0, info(8, 1)));
        assertEquals(List.of(1, 3), List.copyOf(running.partitions()));
        running.onTaskEnd(end(7));
        assertEquals(List.of(1), List.copyOf(running.partitions()));
    }

    private static AccumulableInfo update(LongAccumulator accumulator, long value) {
        return new AccumulableInfo(
                accumulator.id(), Option.empty(), Option.apply(value), Option.empty(), false, false, Option.empty());
    }

    // Raw Scala types, built with the converters both Scala lines have: a heartbeat's sequences are scala.collection
    // Seqs on Scala 2.12 (Spark 3.5) and immutable ones on 2.13, and toSeq gives each line its own.
    @SuppressWarnings({"rawtypes", "unchecked", "deprecation"})
    private static Tuple4 task(long taskId, AccumulableInfo... updates) {
        return new Tuple4(
                taskId, 0, 0, JavaConverters.asScalaBuffer(List.of(updates)).toSeq());
    }

    @SuppressWarnings({"rawtypes", "unchecked", "deprecation"})
    private static SparkListenerExecutorMetricsUpdate heartbeat(Tuple4... tasks) {
        return new SparkListenerExecutorMetricsUpdate(
                "driver",
                JavaConverters.asScalaBuffer((List) List.of(tasks)).toSeq(),
                JavaConverters.mapAsScalaMap(new HashMap<>()));
    }

    private static SparkListenerTaskEnd end(long taskId) {
        return new SparkListenerTaskEnd(0, 0, "ResultTask", Success$.MODULE$, info(taskId, 0), null, null);
    }

    private static TaskInfo info(long taskId, int partition) {
        return new TaskInfo(
                taskId, partition, 0, partition, 0L, "driver", "localhost", TaskLocality.PROCESS_LOCAL(), false);
    }
}
