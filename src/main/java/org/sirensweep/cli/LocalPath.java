package org.sirensweep.cli;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The check that a path option names a file system folder or file (local, or shared such as NFS): a URI such as
 * {@code s3a://bucket/runs} or {@code hdfs://namenode/runs} would otherwise become a local folder named {@code s3a:},
 * and a cluster's results would silently stay on the driver.
 */
final class LocalPath {
    /** What {@code scheme://rest} becomes as a path: the scheme, a colon, one slash. */
    private static final Pattern URI = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):/.*");

    private LocalPath() {
    }

    /** One line of bad input naming {@code option} if {@code path} is a URI. */
    static void check(CommandLine cli, String option, Path path) {
        if (path == null) {
            return;
        }
        Matcher uri = URI.matcher(path.toString());
        if (uri.matches()) {
            throw new CommandLine.ParameterException(cli, option + " " + path + " is a " + uri.group(1)
                    + ": URI; siren-sweep reads and writes datasets in folders of a file system every executor "
                    + "mounts (local, or shared such as NFS), not in object stores or HDFS");
        }
    }
}
