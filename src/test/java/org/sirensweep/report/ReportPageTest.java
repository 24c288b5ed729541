package org.sirensweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.sirensweep.cli.CliRun;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.SweepProgress;

/**
 * The report page in a real browser (Debian's chromium, headless, through chromedriver): it loads with a clean
 * console, its table holds every row and sorts, its pictures decode, the charts follow the table's filter, and a
 * live page reloads itself when a row lands.
 */
class ReportPageTest {
    @TempDir
    static Path dir;

    private static Path sweepFile;
    private static Browser browser;

    @BeforeAll
    static void sweepAndBrowser() throws Exception {
        sweepFile = ReportDatasets.make(dir);
        browser = new Browser(dir.resolve("profile"));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theTableHoldsEveryRowSortsAndFiltersAndThePicturesDecode() throws Exception {
        Path dataset = ReportDatasets.dataset(dir);
        CliRun report = CliRun.here("report", dataset.toString());
        assertEquals(0, report.exit(), report.out() + report.err());
        Path page = dataset.resolve(ResultDataset.REPORT);
        assertTrue(report.out().contains(page + ": " + ReportDatasets.TRIALS + " trials"), report.out());

        browser.open(page);
        assertEquals(List.of(), browser.consoleProblems(), "the console after loading");
        assertEquals((long) ReportDatasets.TRIALS, browser.js("return report.table.getDataCount()"));
        assertEquals(
                (long) ReportDatasets.TRIALS,
                browser.js("return document.querySelectorAll('#trial-table .tabulator-row').length"),
                "every row in the DOM");

        // Sorted best first by the default measure; a click on its header turns the order around.
        List<String> before = ids();
        assertTrue(sorted(measures(), false), "descending psnr_determined: " + measures());
        browser.driver()
                .findElement(By.cssSelector(".tabulator-col[tabulator-field='psnr_determined'] .tabulator-col-title"))
                .click();
        browser.awaitTrue("report.table.getSorters()[0].dir === 'asc'", Duration.ofSeconds(5));
        assertNotEquals(before, ids(), "the click changed the order");
        List<Double> ascending = measures();
        assertTrue(sorted(ascending, true), "ascending psnr_determined: " + ascending);
        // Trials without the measure (failed ones) stay last in both directions.
        assertEquals(ReportDatasets.FAILED, ids().size() - ascending.size());
        assertTrue(ids().subList(ascending.size(), ids().size()).stream()
                .allMatch(
                        id -> ((String) browser.js("return report.data.trials.find(t => t.id === '" + id + "').status"))
                                .equals("failed")));

        // The gallery's pictures decode, at their real 16 pixels enlarged by a whole factor (8 = ⌊128 / 16⌋).
        browser.awaitTrue(
                "document.querySelectorAll('#gallery img.pic').length > 0 && Array.from("
                        + "document.querySelectorAll('#gallery img.pic')).every(i => i.complete && i.naturalWidth > 0)",
                Duration.ofSeconds(10));
        assertEquals(16L, browser.js("return document.querySelector('#gallery img.pic').naturalWidth"));
        assertEquals("128px", browser.js("return document.querySelector('#gallery img.pic').style.width"));
        assertEquals(
                6L,
                browser.js("return document.querySelectorAll('#gallery .card').length"),
                "a card per trial with pictures (failed trials have none)");

        // Filtering the table to the stopped trials: three cards, three dashed curves and the rung marked.
        browser.js("report.table.setHeaderFilterValue('status', 'stopped')");
        browser.awaitTrue(
                "document.querySelectorAll('#gallery .card').length === " + ReportDatasets.STOPPED,
                Duration.ofSeconds(5));
        browser.awaitTrue(
                "echarts.getInstanceByDom(document.getElementById('curves-chart')).getOption().series" + ".length === "
                        + ReportDatasets.STOPPED,
                Duration.ofSeconds(5));
        Object curves = browser.js("const o = echarts.getInstanceByDom(document.getElementById('curves-chart'))"
                + ".getOption(); return [o.series.filter(s => s.lineStyle.type === 'dashed').length, "
                + "o.series[0].markLine.data[0].xAxis]");
        assertEquals(List.of(3L, 10L), curves, "dashed stopped curves, the rung at epoch 10");
        browser.js("report.table.clearHeaderFilter()");

        // The Pareto front of PSNR against training seconds, per supervision, as the definition gives it from the
        // page's own numbers: marked in its column, and what the column's filter keeps.
        Object front = browser.js("const ok = report.data.trials.filter(t => t.status === 'ok');"
                + "const sup = (t) => t.s.supervision ?? report.data.fixed.supervision;"
                + "const onFront = (t) => !ok.some(o => sup(o) === sup(t)"
                + "  && o.m.psnr_determined >= t.m.psnr_determined && o.m.train_s <= t.m.train_s"
                + "  && (o.m.psnr_determined > t.m.psnr_determined || o.m.train_s < t.m.train_s));"
                + "const expected = report.data.trials.filter(t => t.status === 'ok' && onFront(t)).map(t => t.id).sort();"
                + "const marked = report.table.getData().filter(r => r.front === 'time').map(r => r.id).sort();"
                + "return [expected, marked, report.table.getData().filter(r => r.front !== '' && r.front !== 'time')"
                + "  .length, report.data.size_front]");
        List<?> fronts = (List<?>) front;
        assertEquals(fronts.get(0), fronts.get(1), "the trials marked on the time front");
        assertTrue(((List<?>) fronts.get(0)).size() >= 3, "one or more per supervision: " + fronts.get(0));
        assertEquals(List.of(0L, false), fronts.subList(2, 4), "no size front where sizes do not vary");
        browser.js("report.table.setHeaderFilterValue('front', 'time')");
        browser.awaitTrue(
                "report.table.getDataCount('active') === " + ((List<?>) fronts.get(0)).size(), Duration.ofSeconds(5));
        browser.js("report.table.clearHeaderFilter()");

        // A row's details, a picture at full size, the analyses (batch effect and upscale).
        browser.driver()
                .findElement(By.cssSelector("#trial-table .tabulator-row"))
                .click();
        browser.awaitTrue("document.getElementById('details').open", Duration.ofSeconds(5));
        assertTrue(browser.driver().findElement(By.id("details-body")).getText().startsWith("trial "));
        browser.js("document.getElementById('details').close()");
        browser.driver().findElement(By.cssSelector("#gallery img.pic")).click();
        browser.awaitTrue(
                "document.getElementById('zoom').open && document.getElementById('zoomed').naturalWidth" + " === 16",
                Duration.ofSeconds(5));
        browser.js("document.getElementById('zoom').close()");
        assertEquals(
                List.of(1L, 1L),
                browser.js("return [document.querySelectorAll('#batch-effect .chart').length, "
                        + "document.querySelectorAll('#upscale .chart').length]"));
        assertEquals(List.of(), browser.consoleProblems(), "the console after using the page");
    }

    @Test
    void aLivePageReloadsWhenARowLandsAndStopsOnceTheRunIsOver() throws Exception {
        Path dataset = ReportDatasets.dataset(dir);
        Path live = dir.resolve("live");
        String last;
        try (var rows = Files.list(dataset)) {
            last = rows.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".parquet"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .replace(".parquet", "");
        }
        ReportDatasets.copy(dataset, live, last);
        Sweep sweep = SweepFile.read(sweepFile, 100);
        LiveReport report =
                new LiveReport(sweep, Location.local(live), ImageSelection.BEST, Duration.ofSeconds(2), System.err);
        report.accept(progress(List.of(last), false));
        report.flush();
        browser.open(report.file().localPath().orElseThrow());
        assertEquals("running", browser.js("return report.table.getRow('" + last + "').getData().status"));
        assertTrue(((String) browser.js("return document.getElementById('live').textContent")).startsWith("Running"));

        browser.js("window.beforeTheRowLanded = true");
        Files.copy(dataset.resolve(last + ".parquet"), live.resolve(last + ".parquet"));
        Thread.sleep(2100);
        report.accept(progress(List.of(), true));
        report.flush();
        // The page reloads itself (the flag is gone) and shows the row.
        browser.awaitTrue(
                "window.beforeTheRowLanded === undefined && window.report && report.draws > 0 && "
                        + "report.table.getRow('" + last + "').getData().status !== 'running'",
                Duration.ofSeconds(15));
        assertEquals((long) ReportDatasets.TRIALS, browser.js("return report.table.getDataCount()"));

        report.finish();
        browser.open(report.file().localPath().orElseThrow());
        assertEquals(
                Boolean.TRUE,
                browser.js(
                        "return report.data.live === null && " + "document.getElementById('live').textContent === ''"),
                "the final page neither reloads nor says running");
        assertEquals(List.of(), browser.consoleProblems());
    }

    private static SweepProgress progress(List<String> running, boolean finished) {
        return new SweepProgress(
                "sweep report",
                1,
                finished ? 1 : 0,
                0,
                0,
                0,
                0,
                running,
                Duration.ofSeconds(3),
                finished ? null : Duration.ofSeconds(2),
                finished);
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids() {
        return (List<String>) browser.js("return report.table.getData('active').map(r => r.id)");
    }

    @SuppressWarnings("unchecked")
    private static List<Double> measures() {
        return ((List<Object>) browser.js("return report.table.getData('active').map(r => r.psnr_determined)"
                        + ".filter(v => v !== null)"))
                .stream().map(v -> ((Number) v).doubleValue()).collect(Collectors.toList());
    }

    private static boolean sorted(List<Double> values, boolean ascending) {
        for (int i = 1; i < values.size(); i++) {
            if (ascending ? values.get(i) < values.get(i - 1) : values.get(i) > values.get(i - 1)) {
                return false;
            }
        }
        return values.size() > 1;
    }
}
