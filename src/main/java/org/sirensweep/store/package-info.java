/**
 * A sweep's results store: the dataset folder of one Parquet row per trial ({@link
 * org.sirensweep.store.ResultFiles}: schema, write, read, the settings' columns in {@link
 * org.sirensweep.store.SettingColumns}; {@link org.sirensweep.store.ResultDataset}: the folder,
 * its lock, resume, checkpoints and quarantine), its checks ({@link org.sirensweep.store.DatasetCheck}), the
 * comparison of two runs ({@link org.sirensweep.store.DatasetComparison}) and compact tables ({@link
 * org.sirensweep.store.ResultTable}). Uses no Spark: executors and the driver call it, and so can any program that
 * reads a dataset.
 */
package org.sirensweep.store;
