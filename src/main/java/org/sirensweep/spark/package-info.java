/**
 * Running a sweep on Spark and keeping its results: one trial per task ({@link org.sirensweep.spark.TrialTask}),
 * GPU assignment, progress, and the dataset folder of one Parquet row per trial ({@link
 * org.sirensweep.spark.ResultFiles}, {@link org.sirensweep.spark.ResultDataset}) with its checks, comparisons of
 * two runs ({@link org.sirensweep.spark.DatasetComparison}), checkpoints and compact tables. The only package that
 * imports Spark.
 */
package org.sirensweep.spark;
