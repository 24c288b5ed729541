package org.sirensweep.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.sirensweep.files.Location;
import org.sirensweep.files.ResourceProperties;
import org.sirensweep.image.Supervision;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.trial.TrialSettings;
import org.sirensweep.trial.UpscaleScore;

/**
 * Stores each {@link TrialResult} as its own Parquet file, {@code <trial id>.parquet}, in the sweep's dataset folder.
 * The file appears whole or not at all ({@link Location#write}: under {@code _staging/} and renamed into place on
 * local folders and HDFS, one upload on object stores), and a trial can never have two rows: a second write of the
 * same id replaces the first. The footer also carries the sweep name,
 * trial id and status, so a resuming driver learns what is done without reading the rows.
 */
public final class ResultFiles {
    /** Folder (inside the dataset) for files being written; readers skip names starting with '_'. */
    public static final String STAGING = "_staging";

    public static final String SUFFIX = ".parquet";
    static final String META_SWEEP = "siren_sweep.sweep";
    static final String META_TRIAL = "siren_sweep.trial_id";
    static final String META_STATUS = "siren_sweep.status";

    /**
     * The row's columns; README.md documents each. The first fourteen settings' columns sit where rows have always
     * had them; a setting declared later gets an optional column at the end, from its declaration.
     */
    public static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            """
            message trial_result {
              required binary sweep (STRING);
              required binary trial_id (STRING);
              required binary status (STRING);
              optional binary error (STRING);
            """ + SettingColumns.firstDeclarations() + """
              optional int32 channels;
              optional int64 steps;
              optional int64 resumed_from_step;
              optional int64 diverged_at_step;
              optional double final_loss;
              optional double psnr;
              optional double psnr_affine;
              optional double psnr_harmonic;
              optional double psnr_determined;
              optional double gradient_error;
              optional double laplacian_error;
              optional group curve (LIST) {
                repeated group list {
                  required group element {
                    required int64 step;
                    required int32 epoch;
                    required double loss;
                    required double psnr;
                    required double psnr_affine;
                    required double psnr_harmonic;
                    required double psnr_determined;
                    required double gradient_error;
                    required double laplacian_error;
                    required double seconds;
                  }
                }
              }
              optional group upscale (LIST) {
                repeated group list {
                  required group element {
                    required int32 size;
                    required binary method (STRING);
                    required double psnr;
                    required double ssim;
                  }
                }
              }
              optional double setup_s;
              optional double train_s;
              optional double ms_per_step;
              optional double render_s;
              optional binary device (STRING);
              optional binary gpu (STRING);
              required binary host (STRING);
              required binary executor_id (STRING);
              required int32 attempt;
              required int64 started_at (TIMESTAMP(MILLIS,true));
              required int64 finished_at (TIMESTAMP(MILLIS,true));
              required binary siren_sweep_version (STRING);
              required binary nd4j_version (STRING);
              required binary spark_version (STRING);
              required binary java_version (STRING);
              optional group images (LIST) {
                repeated group list {
                  required group element {
                    required binary kind (STRING);
                    required int32 size;
                    required binary png;
                  }
                }
              }
              optional binary weights_npz;
            """ + SettingColumns.laterDeclarations() + "}\n");

    private static final Properties VERSIONS = ResourceProperties.read(ResultFiles.class, "/siren-sweep.properties");

    private ResultFiles() {}

    /** Where the row of trial {@code trialId} lives. */
    public static Location fileOf(Location dataset, String trialId) {
        return dataset.resolve(trialId + SUFFIX);
    }

    /** Writes {@code result} as its trial's row, whole (replacing an older row of the trial). */
    public static Location write(Location dataset, TrialResult result) throws IOException {
        String id = result.trial().id();
        ParquetStreams.InMemory file = new ParquetStreams.InMemory();
        try (ParquetWriter<Group> writer = newWriter(
                file,
                SCHEMA,
                Map.of(
                        META_SWEEP,
                        result.sweep(),
                        META_TRIAL,
                        id,
                        META_STATUS,
                        result.status().id()))) {
            writer.write(toGroup(result));
        }
        Location target = fileOf(dataset, id);
        target.write(
                file.bytes(),
                dataset.resolve(STAGING)
                        .resolve(id + ".attempt" + result.place().attempt() + "." + UUID.randomUUID() + SUFFIX));
        return target;
    }

    /**
     * Hadoop's configuration type without Hadoop's XML defaults, for Parquet, which reads only its own keys from it:
     * with the defaults, every file read or written would parse them again (10 ms each, the whole cost of scanning a
     * large dataset). Never changed. Parquet's own plain configuration would do the same, but Parquet 1.13 (Spark
     * 3.5's) does not have it.
     */
    private static final Configuration PLAIN = new Configuration(false);

    /** A new Parquet file of rows of {@code schema}, Snappy-compressed, with the plain configuration. */
    static ParquetWriter<Group> newWriter(OutputFile file, MessageType schema, Map<String, String> footer)
            throws IOException {
        return ExampleParquetWriter.builder(file)
                .withConf(PLAIN)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withExtraMetaData(footer)
                .build();
    }

    /** Reads a result file's rows as generic records of {@code columns}: the whole schema, or a projection of it. */
    static RowReader openRows(Location file, MessageType columns) throws IOException {
        return new RowReader(openFooter(file, -1), columns);
    }

    /**
     * A result file's rows as generic records, row group by row group, through the file reader and record assembly
     * that every Parquet from 1.13 (Spark 3.5) to 1.17 (Spark 4.2) has alike.
     */
    static final class RowReader implements Closeable {
        private final ParquetFileReader file;
        private final MessageType columns;
        private RecordReader<Group> records;
        private long left;

        private RowReader(ParquetFileReader file, MessageType columns) {
            this.file = file;
            this.columns = columns;
            file.setRequestedSchema(columns);
        }

        /** The schema the file was written with. */
        MessageType fileSchema() {
            return file.getFileMetaData().getSchema();
        }

        /** The next row, or null after the last. */
        Group read() throws IOException {
            while (left == 0) {
                PageReadStore rowGroup = file.readNextRowGroup();
                if (rowGroup == null) {
                    return null;
                }
                left = rowGroup.getRowCount();
                records = new ColumnIOFactory()
                        .getColumnIO(columns, fileSchema())
                        .getRecordReader(rowGroup, new GroupRecordConverter(columns));
            }
            left--;
            return records.read();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Opens a result file for its footer, with the plain configuration. */
    static ParquetFileReader openFooter(Location file, long length) throws IOException {
        return ParquetFileReader.open(
                ParquetStreams.input(file, length),
                HadoopReadOptions.builder(PLAIN).build());
    }

    /** The learning curve stored in a result file (empty for a failed trial's row). */
    public static List<CurvePoint> curve(Location file) throws IOException {
        MessageType projection = new MessageType(SCHEMA.getName(), SCHEMA.getType("curve"));
        List<CurvePoint> curve = new ArrayList<>();
        try (RowReader reader = openRows(file, projection)) {
            Group row = reader.read();
            if (row == null || row.getFieldRepetitionCount("curve") == 0) {
                return curve;
            }
            Group list = row.getGroup("curve", 0);
            for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
                Group p = list.getGroup("list", i).getGroup("element", 0);
                curve.add(new CurvePoint(
                        p.getLong("step", 0),
                        p.getInteger("epoch", 0),
                        p.getDouble("loss", 0),
                        new Measures(
                                p.getDouble("psnr", 0),
                                p.getDouble("psnr_affine", 0),
                                p.getDouble("psnr_harmonic", 0),
                                p.getDouble("gradient_error", 0),
                                p.getDouble("laplacian_error", 0)),
                        p.getDouble("seconds", 0)));
            }
        } catch (RuntimeException e) {
            throw new IOException(file.name() + ": unreadable curve: " + e.getMessage(), e);
        }
        return curve;
    }

    /** What a result file's footer says: its sweep, trial id and status. */
    public record Summary(String sweep, String trialId, TrialStatus status) {}

    /**
     * Reads a result file's footer ({@code length}: the file's size as a listing gave it, or negative if unknown); a
     * file that is not one of ours, or is damaged, throws with the reason.
     */
    public static Summary summary(Location file, long length) throws IOException {
        try (ParquetFileReader reader = openFooter(file, length)) {
            Map<String, String> meta = reader.getFileMetaData().getKeyValueMetaData();
            if (!meta.containsKey(META_TRIAL) || !meta.containsKey(META_STATUS) || !meta.containsKey(META_SWEEP)) {
                throw new IOException("not a siren-sweep result file (no trial id in its footer)");
            }
            if (reader.getRecordCount() != 1) {
                throw new IOException("holds " + reader.getRecordCount() + " rows, expected 1");
            }
            TrialStatus status;
            try {
                status = TrialStatus.parse(meta.get(META_STATUS));
            } catch (IllegalArgumentException e) {
                throw new IOException("its footer says: " + e.getMessage(), e);
            }
            if (!status.inRows()) {
                throw new IOException("its footer says " + status.id() + ", which no row holds");
            }
            return new Summary(meta.get(META_SWEEP), meta.get(META_TRIAL), status);
        } catch (RuntimeException e) {
            throw new IOException("unreadable Parquet: " + e.getMessage(), e);
        }
    }

    private static Group toGroup(TrialResult r) {
        Group row = new SimpleGroupFactory(SCHEMA).newGroup();
        TrialSettings s = r.trial().settings();
        row.append("sweep", r.sweep())
                .append("trial_id", r.trial().id())
                .append("status", r.status().id());
        if (r.error() != null) {
            row.append("error", r.error());
        }
        SettingColumns.appendFirst(row, r);
        SettingColumns.appendLater(row, s);
        TrialOutcome o = r.outcome();
        if (o != null) {
            row.append("channels", o.channels())
                    .append("steps", o.steps())
                    .append("resumed_from_step", o.resumedFromStep());
            if (o.divergedAtStep() >= 0) {
                row.append("diverged_at_step", o.divergedAtStep());
            }
            row.append("final_loss", o.finalLoss());
            appendMeasures(row, o.measures(), s.supervision());
            Group curve = row.addGroup("curve");
            for (CurvePoint p : o.curve()) {
                Group point = curve.addGroup("list")
                        .addGroup("element")
                        .append("step", p.step())
                        .append("epoch", p.epoch())
                        .append("loss", p.loss());
                appendMeasures(point, p.measures(), s.supervision());
                point.append("seconds", p.seconds());
            }
            Group upscale = row.addGroup("upscale");
            for (UpscaleScore score : o.upscale()) {
                upscale.addGroup("list")
                        .addGroup("element")
                        .append("size", score.size())
                        .append("method", score.method())
                        .append("psnr", score.psnr())
                        .append("ssim", score.ssim());
            }
            TrialOutcome.Timings t = o.timings();
            row.append("setup_s", t.setupSeconds())
                    .append("train_s", t.trainSeconds())
                    .append("ms_per_step", t.msPerStep())
                    .append("render_s", t.renderSeconds())
                    .append("device", o.device());
        }
        if (r.place().gpu() != null) {
            row.append("gpu", r.place().gpu());
        }
        row.append("host", r.place().host())
                .append("executor_id", r.place().executorId())
                .append("attempt", r.place().attempt())
                .append("started_at", r.startedAt().toEpochMilli())
                .append("finished_at", r.finishedAt().toEpochMilli())
                .append("siren_sweep_version", VERSIONS.getProperty("siren_sweep", "unknown"))
                .append("nd4j_version", VERSIONS.getProperty("nd4j", "unknown"))
                .append("spark_version", r.place().sparkVersion())
                .append("java_version", System.getProperty("java.version"));
        if (o != null) {
            Group images = row.addGroup("images");
            for (TrialImage image : o.images()) {
                images.addGroup("list")
                        .addGroup("element")
                        .append("kind", image.kind())
                        .append("size", image.size())
                        .append("png", Binary.fromConstantByteArray(image.png()));
            }
            row.append("weights_npz", Binary.fromConstantByteArray(o.weightsNpz()));
        }
        return row;
    }

    private static void appendMeasures(Group group, Measures m, Supervision supervision) {
        group.append("psnr", m.psnr())
                .append("psnr_affine", m.psnrAffine())
                .append("psnr_harmonic", m.psnrHarmonic())
                .append("psnr_determined", m.determined(supervision))
                .append("gradient_error", m.gradientError())
                .append("laplacian_error", m.laplacianError());
    }
}
