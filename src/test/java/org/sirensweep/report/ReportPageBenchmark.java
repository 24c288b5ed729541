package org.sirensweep.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How quickly a report page opens and answers in the real browser (benchmarks/report.sh): time until the page has
 * drawn everything, then a sort by clicking a measure's header and a filter, each until the page has redrawn.
 * Usage: PAGE [profile folder].
 */
public final class ReportPageBenchmark {
    private ReportPageBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path page = Path.of(args[0]).toAbsolutePath();
        Path profile = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("report-profile");
        try (Browser browser = new Browser(profile)) {
            long start = System.nanoTime();
            browser.open(page);
            double open = seconds(start);
            long rows = (Long) browser.js("return report.table.getDataCount()");
            start = System.nanoTime();
            browser.js("window.drawsBefore = report.draws; document.querySelector(\".tabulator-col[tabulator-field="
                    + "'psnr_determined'] .tabulator-col-title\").click()");
            browser.awaitTrue("report.draws > window.drawsBefore", Duration.ofSeconds(120));
            double sort = seconds(start);
            start = System.nanoTime();
            browser.js("window.drawsBefore = report.draws; report.table.setHeaderFilterValue('status', 'ok')");
            browser.awaitTrue("report.draws > window.drawsBefore", Duration.ofSeconds(120));
            double filter = seconds(start);
            System.out.printf(
                    "%s: %.1f MB, %d rows; opened and drawn in %.2f s, sorted by a click in %.2f s, "
                            + "filtered in %.2f s (charts and gallery redrawn); console problems: %d%n",
                    page,
                    Files.size(page) / 1e6,
                    rows,
                    open,
                    sort,
                    filter,
                    browser.consoleProblems().size());
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
