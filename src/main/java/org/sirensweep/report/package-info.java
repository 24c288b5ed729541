/**
 * A sweep at a glance: one self-contained HTML page ({@code report.html}) of a dataset's trials: header, sortable
 * table, parallel coordinates, learning curves, a gallery of every trial's pictures and the seed's analyses, drawn in
 * the browser by the charting and table libraries it inlines (no server, no network). {@link
 * org.sirensweep.report.SweepReport} writes it once; {@link org.sirensweep.report.LiveReport} keeps it current while
 * a run works, fed the running job's progress ({@link org.sirensweep.sweep.SweepProgress}). Reads the dataset
 * through {@code store}; knows nothing of Spark.
 */
package org.sirensweep.report;
