/**
 * Files and folders wherever Hadoop's file systems reach: local folders, HDFS, S3 ({@code s3a://}), and any other
 * scheme whose connector is on the classpath. {@link org.sirensweep.files.Location} names one and reads and writes
 * it, keeping a written file whole or absent on each kind of store; {@link org.sirensweep.files.FileSettings} are the
 * Hadoop settings ({@code spark.hadoop.*}) that reach the stores. A store that goes away for a while is waited for:
 * {@link org.sirensweep.files.StorePatience} tries a call again until it answers or a bound has passed, {@link
 * org.sirensweep.files.StoreWatch} tells the driver since when it has not answered. Used by everything that touches
 * a dataset, on the driver and on executors. Two small helpers live here too, at the bottom of the ladder: {@link
 * org.sirensweep.files.Durations} (minutes settings and durations for people) and {@link
 * org.sirensweep.files.ResourceProperties} (properties files the jars carry).
 */
package org.sirensweep.files;
