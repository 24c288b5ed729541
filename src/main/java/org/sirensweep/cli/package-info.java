/**
 * The {@code siren-sweep} command line (picocli): {@code run}, {@code verify}, {@code report}, {@code best},
 * {@code compact},
 * {@code train}, {@code render} and {@code bench}, each a thin layer that checks its arguments, one line per
 * problem, before any work, and calls the packages below.
 */
package org.sirensweep.cli;
