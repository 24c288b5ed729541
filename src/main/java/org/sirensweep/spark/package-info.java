/**
 * Running a sweep on Spark: {@link org.sirensweep.spark.SweepController} loops over the scheduler's plans until
 * none is left, each plan ({@link org.sirensweep.spark.SweepPlan}: its stages in packs) one Spark job of {@link
 * org.sirensweep.spark.SparkJobs}, which starts the session and prints the progress line; {@link
 * org.sirensweep.spark.PackTask} is one task: a pack of trials trained by the engine, its rows written into the
 * store. With GPU assignment and the cluster checks. The only package that imports Spark.
 */
package org.sirensweep.spark;
