package org.sirensweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.files.Location;

class DatasetCheckTest {
    @Test
    void aParquetFileOfAnotherSchemaIsNoRow(@TempDir Path folder) throws Exception {
        MessageType other = MessageTypeParser.parseMessageType("message other { required int32 trial; }");
        Path file = folder.resolve("other.parquet");
        try (ParquetWriter<org.apache.parquet.example.data.Group> writer = ExampleParquetWriter.builder(
                        new org.apache.hadoop.fs.Path(file.toUri()))
                .withConf(new Configuration())
                .withType(other)
                .build()) {
            writer.write(new SimpleGroupFactory(other).newGroup().append("trial", 1));
        }
        List<String> problems = new ArrayList<>();
        assertNull(DatasetCheck.readOnlyRow(Location.local(file), "here: ", problems));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("here: its schema is not the documented one"), problems.get(0));
    }
}
