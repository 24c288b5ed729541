package org.sirensweep.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import org.sirensweep.files.Location;

/**
 * The report as one HTML file: the page's template with its style and script, the charting (Apache ECharts) and
 * table (Tabulator) libraries from their webjars, and the data, all inline, so the file opens anywhere without a
 * server or a network. Written to a temporary name and renamed, so a reader (or a live page reloading itself)
 * never sees half a file.
 */
final class ReportPage {
    private static final String ECHARTS = webjar("echarts", "dist/echarts.min.js");
    private static final String TABULATOR_JS = webjar("tabulator-tables", "dist/js/tabulator.min.js");
    private static final String TABULATOR_CSS = webjar("tabulator-tables", "dist/css/tabulator.min.css");
    private static final String TEMPLATE = resource("report.html");
    private static final String STYLE = resource("report.css");
    private static final String SCRIPT = resource("report.js");
    private static final String DATA_MARK = "/*DATA*/";

    private ReportPage() {}

    /** Writes the page of {@code data} to {@code out}, atomically; returns its size in bytes. */
    static long write(ObjectNode data, Location out) throws IOException {
        // Markers are looked up in the template only, never in the libraries put in their place.
        int mark = TEMPLATE.indexOf(DATA_MARK);
        String head = fill(TEMPLATE.substring(0, mark), data.path("sweep").asText());
        String tail = fill(
                TEMPLATE.substring(mark + DATA_MARK.length()),
                data.path("sweep").asText());
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(page, StandardCharsets.UTF_8)) {
            writer.write(head);
            ObjectMapper json = new ObjectMapper();
            json.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
            json.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeValue(writer, data);
            writer.write(tail);
        }
        out.write(page.toByteArray(), out.parent().resolve("." + out.name() + "." + UUID.randomUUID() + ".tmp"));
        return page.size();
    }

    /** {@code part} of the template with its markers replaced. */
    private static String fill(String part, String sweep) {
        StringBuilder page = new StringBuilder();
        int at = 0;
        while (true) {
            int next = part.indexOf("/*", at);
            int title = part.indexOf("{{title}}", at);
            if (title >= 0 && (next < 0 || title < next)) {
                page.append(part, at, title).append(escape(sweep));
                at = title + "{{title}}".length();
                continue;
            }
            if (next < 0) {
                return page.append(part, at, part.length()).toString();
            }
            int end = part.indexOf("*/", next) + 2;
            String marker = part.substring(next, end);
            page.append(part, at, next)
                    .append(
                            switch (marker) {
                                case "/*STYLE*/" -> TABULATOR_CSS + "\n" + STYLE;
                                case "/*LIBRARIES*/" -> ECHARTS + "\n" + TABULATOR_JS;
                                case "/*SCRIPT*/" -> SCRIPT;
                                default -> marker;
                            });
            at = end;
        }
    }

    /** JSON escapes (in the data, "<" as \\u003C) that make the text safe inside an HTML script element. */
    private static final class ScriptSafeEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes = standardAsciiEscapesForJSON();

        ScriptSafeEscapes() {
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the report's " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of a webjar on the class path, at the version its Maven metadata names (the pom's, declared once). */
    private static String webjar(String name, String file) {
        ClassLoader loader = ReportPage.class.getClassLoader();
        Properties pom = new Properties();
        String metadata = "META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
        try (InputStream in = loader.getResourceAsStream(metadata)) {
            if (in == null) {
                throw new IllegalStateException("the " + name + " webjar is not on the class path");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String path = "META-INF/resources/webjars/" + name + "/" + pom.getProperty("version") + "/" + file;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
