/**
 * Running a sweep on Spark: one pack of trials per task ({@link org.sirensweep.spark.TrialTask}), which writes its
 * trials' rows into the store, GPU assignment, the cluster checks, and the progress of a job ({@link
 * org.sirensweep.spark.SweepProgress}). The only package that imports Spark.
 */
package org.sirensweep.spark;
