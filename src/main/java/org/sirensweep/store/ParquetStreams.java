package org.sirensweep.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.sirensweep.files.Location;

/**
 * Parquet's file abstraction over a {@link Location}: files are read where they are stored (Parquet seeks to the
 * footer and the columns it needs) and written into memory, so that the store receives each file whole in one write
 * (rows and compact tables are megabytes).
 */
final class ParquetStreams {
    private ParquetStreams() {}

    /** A stored file to read; {@code length} as a listing gave it, or negative to ask the store. */
    static InputFile input(Location file, long length) {
        return new InputFile() {
            private long known = length;

            @Override
            public long getLength() throws IOException {
                if (known < 0) {
                    known = file.length();
                }
                return known;
            }

            @Override
            public SeekableInputStream newStream() throws IOException {
                return HadoopStreams.wrap(file.open());
            }

            @Override
            public String toString() {
                return file.toString();
            }
        };
    }

    /** A Parquet file written into memory: {@link #bytes()} once its writer is closed. */
    static final class InMemory implements OutputFile {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return buffer.size();
                }

                @Override
                public void write(int b) {
                    buffer.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    buffer.write(b, off, len);
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            buffer.reset();
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        byte[] bytes() {
            return buffer.toByteArray();
        }
    }
}
